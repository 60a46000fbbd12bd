using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Shared.Cases;
using Collections.Shared.Domain;
using Collections.Shared.Interest;
using Collections.Shared.Legal;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Accrual;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Collections.Dialer.CaseCli;

/// <summary>
/// The <c>case &lt;account-ref&gt;</c> verb (DESIGN.md section 5, docs/workflow.md): one JSON object with the case's phase,
/// strategy, steps, promises, plans with each instalment, risk flags and balance, read from the configured database through
/// <see cref="CaseTimelineQuery"/>. A reference held by several creditors needs <c>--creditor</c>; exit 2 otherwise.
/// </summary>
public static class CaseCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var account = new Argument<string>("account-ref") { Description = "The account's id (GUID) or the creditor's reference." };
        var creditor = new Option<string?>("--creditor") { Description = "Creditor code, when the reference exists for several creditors." };
        var command = new Command("case", "A case's life as one JSON object: phase, strategy, steps, promises, plans, risk flags, balance.") { account, creditor };
        command.SetAction((ParseResult p, CancellationToken ct) => CliHost.TryClock(out var time, out var error)
            ? RunAsync(p.GetValue(account)!, p.GetValue(creditor), CliHost.Configuration(), time, Console.Out, Console.Error, ct)
            : Task.FromResult(CliOutput.Fail(error!)));
        return command;
    }

    /// <summary>Runs the verb; returns the exit code.</summary>
    internal static async Task<int> RunAsync(string reference, string? creditor, IConfiguration configuration, TimeProvider time, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var (accountId, query, _, problem) = await TimelineQueryAsync(reference, creditor, configuration, time, ct);
        if (accountId is null)
        {
            return CliOutput.Fail(problem!, stderr);
        }

        var timeline = await query.LoadAsync(accountId.Value, ct);
        if (timeline is null)
        {
            return CliOutput.Fail($"unknown account '{reference}'", stderr);
        }

        CliOutput.WriteLine(Json(timeline), stdout);
        return CliOutput.Ok;
    }

    /// <summary>The account named by <paramref name="reference"/> and the timeline query on the configured database (with the
    /// accrual and limitation the console's timeline has), or why not: a bad key or rule pack, a missing database, an
    /// unknown or ambiguous reference.</summary>
    internal static async Task<(AccountId? Account, CaseTimelineQuery Query, ICollectionsDbContextFactory Contexts, string? Problem)> TimelineQueryAsync(string reference, string? creditor, IConfiguration configuration, TimeProvider time, CancellationToken ct)
    {
        if (!CliHost.TryDatabaseAndCompliance(configuration, out var database, out var engine, out var problem) || (problem = CliHost.MissingSqliteFile(database)) is not null)
        {
            return (null, null!, null!, problem);
        }

        AccountId? accountId;
        await using (var db = DatabaseSetup.CreateContext(database))
        {
            (accountId, problem) = await AccountLookup.FindAsync(db, reference, creditor, ct);
        }

        var contexts = DatabaseSetup.CreateFactory(database);
        var workflow = configuration.GetSection(WorkflowOptions.Section).Get<WorkflowOptions>() ?? new WorkflowOptions();
        return (accountId, new CaseTimelineQuery(contexts, Options.Create(workflow), Accrual(configuration, contexts, time),
            new LimitationService(contexts, engine!, time, NullLogger<LimitationService>.Instance)), contexts, problem);
    }

    /// <summary>The verb's JSON object (the stable contract: accountRef, phase, strategy, steps, promises, plans, riskFlags,
    /// balance; the other fields are additions).</summary>
    internal static object Json(CaseTimeline t) => new
    {
        accountRef = t.AccountRef,
        creditor = t.Creditor,
        phase = t.Phase,
        strategy = t.Strategy,
        strategyReason = t.StrategyReason,
        nextStep = t.NextStep,
        nextStepDueAt = Text(t.NextStepDueAt),
        steps = t.Steps.Select(s => new
        {
            kind = s.Kind,
            channel = s.Channel,
            dueAt = Text(s.DueAt),
            doneAt = Text(s.DoneAt),
            outcome = s.Status switch
            {
                "done" when s.ContactOutcome is { } contact => $"done: {contact}",
                "skipped" or "cancelled" when s.Note is { } note => $"{s.Status}: {note}",
                _ => s.Status,
            },
        }),
        promises = t.Promises.Select(p => new
        {
            amount = p.Amount,
            currency = p.Currency,
            due = Text(p.Due),
            status = p.Status,
            received = p.Received,
            createdAt = Text(p.CreatedAt),
            channel = p.Channel,
        }),
        plans = t.Plans.Select(p => new
        {
            status = p.Status,
            createdAt = Text(p.CreatedAt),
            total = p.Total,
            frequency = p.Frequency,
            instalments = p.Instalments.Select(i => new
            {
                number = i.Number,
                due = Text(i.Due),
                amount = i.Amount,
                paid = i.PaidAmount,
                status = i.Status,
                paidAt = Text(i.PaidAt),
                reminderAt = Text(i.ReminderAt),
                reminderOutcome = i.ReminderOutcome,
            }),
        }),
        riskFlags = t.RiskFlags,
        balance = new
        {
            principal = t.Balance.Principal,
            interest = t.Balance.Interest,
            fees = t.Balance.Fees,
            paid = t.Balance.Paid,
            currency = t.Balance.Currency,
            statutoryInterest = t.Balance.StatutoryInterest,
            interestAccruedUntil = Text(t.Balance.InterestAccruedUntil),
            interestNote = t.Balance.InterestNote,
            outstanding = t.Balance.Outstanding,
        },
        queued = t.Queued.Select(q => new { channel = q.Channel, purpose = q.Purpose, dueAt = Text(q.DueAt), status = q.Status, attempts = q.Attempts, outcome = q.Outcome }),
        contacts = t.Contacts.Select(c => new { at = Text(c.At), channel = c.Channel, purpose = c.Purpose, outcome = c.Outcome }),
        payments = t.Payments.Select(p => new { receivedOn = Text(p.ReceivedOn), amount = p.Amount, toFees = p.ToFees, toInterest = p.ToInterest, toPrincipal = p.ToPrincipal }),
        limitation = t.Limitation is not { } l ? null : new
        {
            jurisdiction = l.Jurisdiction,
            state = ContactTexts.Kebab(l.State),
            lastDay = Text(l.LastDay),
            warnFrom = Text(l.WarnFrom),
            daysLeft = l.DaysLeft,
            source = l.Rule?.Source,
            runsFrom = Text(l.Result?.RunsFrom),
            restartedBy = l.Result?.RestartedBy?.Description,
            events = l.Result?.Steps.Select(s => new { on = Text(s.Event.On), kind = ContactTexts.Kebab(s.Event.Kind), what = s.Event.Description, restarted = s.Restarted, reason = s.Reason }),
        },
    };

    private static string? Text(Instant? at) => at is { } value ? InstantPattern.ExtendedIso.Format(value) : null;

    private static string? Text(LocalDate? day) => day is { } value ? LocalDatePattern.Iso.Format(value) : null;

    internal static bool TryDatabase(IConfiguration configuration, out DatabaseOptions database, out string? error)
    {
        try
        {
            database = DatabaseSetup.ReadOptions(configuration);
            error = null;
            return true;
        }
        catch (OptionsValidationException ex)
        {
            (database, error) = (new DatabaseOptions(), ex.Message);
            return false;
        }
    }

    /// <summary>The accrual, to say why statutory interest does not accrue; none when the rule folder is not there (the
    /// figures on the account are printed either way).</summary>
    internal static StatutoryInterestAccrual? Accrual(IConfiguration configuration, ICollectionsDbContextFactory contexts, TimeProvider time) =>
        Calculator(configuration) is { } calculator ? new StatutoryInterestAccrual(contexts, calculator, time, NullLogger<StatutoryInterestAccrual>.Instance) : null;

    /// <summary>The statutory interest calculator on the configured rule folder; null when the folder is not there.</summary>
    internal static StatutoryInterestCalculator? Calculator(IConfiguration configuration)
    {
        var folder = Collections.Shared.Configuration.ConfigFolders.Resolve(
            configuration[$"{InterestOptions.Section}:{nameof(InterestOptions.RulesDirectory)}"] ?? InterestRuleBook.DefaultDirectory);
        return Directory.Exists(folder) ? new StatutoryInterestCalculator(InterestRuleBook.Load(folder)) : null;
    }
}
