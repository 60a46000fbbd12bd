using System.Text.RegularExpressions;
using Collections.Shared.Cases;
using Collections.Shared.Domain;
using Collections.Shared.Legal;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.DueContacts;
using Collections.Shared.Workflow.Outcomes;
using Collections.Shared.Workflow.Risk;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Shared.FieldVisits;

/// <summary>What a field agent is sent to ask for (the visit task's stage).</summary>
public static class VisitAsks
{
    public const string Payment = "payment";
    public const string Plan = "plan";
    public const string Acknowledgement = "acknowledgement";
    public const string AddressCheck = "address-check";

    /// <summary>Every ask, in the order the page lists them.</summary>
    public static readonly IReadOnlyList<string> All = [Payment, Plan, Acknowledgement, AddressCheck];
}

/// <summary>One entry of a visit's history, newest first.</summary>
public sealed record VisitHistoryItem(Instant At, string Kind, string Text);

/// <summary>A visit on the day's list, with what the agent needs at the door.</summary>
/// <param name="Id">The visit task (its scheduled contact).</param>
/// <param name="AccountId">The account.</param>
/// <param name="Reference">The creditor's reference.</param>
/// <param name="Creditor">The creditor's name.</param>
/// <param name="Debtor">The debtor's name.</param>
/// <param name="Language">The debtor's language (BCP 47).</param>
/// <param name="Stop">Where.</param>
/// <param name="Outstanding">What is owed now.</param>
/// <param name="Currency">ISO 4217.</param>
/// <param name="AskFor">What to ask for (<see cref="VisitAsks"/>): the task's own, and an acknowledgement when limitation nears.</param>
/// <param name="DueAt">From when the visit is planned.</param>
/// <param name="Hours">Whether it may be made now, by which rule.</param>
/// <param name="LimitationLastDay">The claim's last day before limitation, as stored on the case.</param>
/// <param name="History">The latest of the case's history.</param>
public sealed record VisitTask(Guid Id, AccountId AccountId, string Reference, string Creditor, string Debtor, string Language, VisitStop Stop,
    decimal Outstanding, string Currency, IReadOnlyList<string> AskFor, Instant DueAt, VisitingDecision Hours, LocalDate? LimitationLastDay,
    IReadOnlyList<VisitHistoryItem> History);

/// <summary>The visits of one town and postcode, in route order.</summary>
public sealed record VisitTaskGroup(string Country, string PostalCode, string City, IReadOnlyList<VisitTask> Visits);

/// <summary>A promise to pay made at the door.</summary>
public sealed record VisitPromise(decimal Amount, LocalDate DueDate);

/// <summary>An instalment plan agreed at the door: <paramref name="Count"/> monthly instalments of <paramref name="Amount"/>.</summary>
public sealed record VisitPlan(int Count, decimal Amount, LocalDate FirstDueDate);

/// <summary>A payment taken at the door, with the receipt number the agent gave.</summary>
public sealed record VisitPayment(decimal Amount, PaymentMethod Method, string Receipt);

/// <summary>The debtor's new address, learnt at the old one.</summary>
public sealed record VisitNewAddress(string Street, string PostalCode, string City, string Country);

/// <summary>An acknowledgement of debt signed on the agent's touchscreen: the text shown, word for word, and the drawn signature.</summary>
public sealed record VisitAcknowledgement(string Text, decimal Amount, string SignedBy, byte[] SignaturePng);

/// <summary>Everything the agent records for one visit.</summary>
/// <param name="IdempotencyKey">Made by the phone when the agent saves (8 to 64 letters, digits, '-' or '_'); the same key again is the same outcome.</param>
/// <param name="VisitId">The visit task, or null for a visit not on the list.</param>
/// <param name="AccountId">The account.</param>
/// <param name="Result">What the agent found.</param>
/// <param name="VisitedAt">When the agent was at the door.</param>
/// <param name="Note">The agent's note.</param>
public sealed record VisitOutcomeRequest(string IdempotencyKey, Guid? VisitId, AccountId AccountId, VisitResult Result, Instant VisitedAt, string? Note = null,
    VisitPromise? Promise = null, VisitPlan? Plan = null, VisitPayment? Payment = null, VisitNewAddress? NewAddress = null, VisitAcknowledgement? Acknowledgement = null);

/// <summary>What was stored; <paramref name="Duplicate"/> when the key had been stored before (nothing new was written).</summary>
public sealed record VisitOutcomeSaved(Guid OutcomeId, bool Duplicate, IReadOnlyList<WorkItem> Work, LimitationStatus? Limitation);

/// <summary>
/// Field visits (seed 004: "személyes felkeresés"; issue 16): the visit tasks are the queue's Visit entries, queued by a
/// strategy step with <c>channel: visit</c> or by a supervisor (<see cref="ScheduleAsync"/>); the day's list is ordered into a
/// route (<see cref="VisitRoute"/>); an outcome is written once per idempotency key, in one transaction, through the workflow's
/// own writers (promise, plan, payment), with the visit's ledger row, the acknowledgement of debt, the debtor's new address
/// and the closed task. Visits obey <see cref="VisitingHours"/>.
/// </summary>
public sealed partial class FieldVisitService(ICollectionsDbContextFactory contexts, WorkflowRunner workflow, VisitingHours hours, LimitationService limitation,
    CaseTimelineQuery timeline, TimeProvider time, ILogger<FieldVisitService> logger)
{
    /// <summary>The queue key (scheduled_contacts.campaign) of visit tasks a supervisor adds.</summary>
    public const string Campaign = "field-visits";

    /// <summary>A drawn signature larger than this is refused (a phone canvas as PNG is a few tens of kB).</summary>
    public const int MaxSignatureBytes = 512 * 1024;

    /// <summary>How long an outcome may wait in a phone's outbox; older ones belong on the case, entered by a person who checks them.</summary>
    public static readonly Duration MaxOfflineAge = Duration.FromDays(14);

    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>A supervisor sends a field agent to <paramref name="accountId"/> on <paramref name="day"/> (the debtor's date) to ask
    /// for <paramref name="askFor"/>; planned at the day's first visiting hour. Once per account and day: asking again returns
    /// the same task. Throws <see cref="OutcomeRefusedException"/> naming the field.</summary>
    public async Task<Guid> ScheduleAsync(AccountId accountId, LocalDate day, string askFor, string requestedBy, CancellationToken ct = default)
    {
        if (!VisitAsks.All.Contains(askFor))
        {
            throw new OutcomeRefusedException($"askFor: '{askFor}' is not one of {string.Join(", ", VisitAsks.All)}.");
        }

        await using var db = contexts.CreateDbContext();
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct))
        {
            throw new OutcomeRefusedException($"accountId: no account {accountId}.");
        }

        var ctx = await AccountContext.LoadAsync(db, accountId, ct);
        var now = Now;
        if (ctx.Debtor.CurrentAddress is null)
        {
            throw new OutcomeRefusedException("accountId: the debtor has no current address to visit.");
        }

        if (ctx.Case is null || ctx.Case.ClosedAt is not null)
        {
            throw new OutcomeRefusedException("accountId: the account has no open case.");
        }

        if (day < ctx.Today(now))
        {
            throw new OutcomeRefusedException($"day: {day:uuuu-MM-dd} is in the past for the debtor (today is {ctx.Today(now):uuuu-MM-dd}).");
        }

        var from = day.AtStartOfDayInZone(ctx.Zone).ToInstant();
        from = from < now ? now : from;
        var holds = await db.Holds.AsNoTracking().Where(h => h.AccountId == accountId).ToListAsync(ct);
        var optOuts = await db.OptOuts.AsNoTracking().Where(o => o.DebtorId == ctx.Debtor.Id).ToListAsync(ct);
        if ((OnHold(holds, from) ?? hours.Cease(ctx.Account, ctx.Debtor, optOuts, from)) is { } held)
        {
            throw new OutcomeRefusedException($"accountId: {held.Reason}");
        }

        var decision = hours.Evaluate(ctx.Account, ctx.Debtor, from);
        var dueAt = decision.Allowed ? from : decision.NextAllowedAt ?? from;
        var key = $"visit:{accountId}:{day:uuuu-MM-dd}";
        await workflow.For(db).Cases.QueueContactAsync(ctx, ContactChannel.Visit, Campaign, askFor, dueAt, key, ContactPurpose.StrategyStep, null, now, ct);
        await db.SaveChangesAsync(ct);
        var id = await db.ScheduledContacts.Where(c => c.IdempotencyKey == key).Select(c => c.Id).SingleAsync(ct);
        VisitScheduled(logger, id, requestedBy, day.ToString("uuuu-MM-dd", null));
        return id;
    }

    /// <summary>The open visits due by the end of today (UTC), overdue ones included, grouped by town and postcode in route order.</summary>
    public async Task<IReadOnlyList<VisitTaskGroup>> DayAsync(CancellationToken ct = default)
    {
        var now = Now;
        var endOfDay = now.InUtc().Date.PlusDays(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        await using var db = contexts.CreateDbContext();
        var tasks = await db.ScheduledContacts.AsNoTracking()
            .Where(c => c.Channel == ContactChannel.Visit && (c.Status == ScheduledContactStatus.Queued || c.Status == ScheduledContactStatus.Taken) && c.DueAt < endOfDay)
            .OrderBy(c => c.DueAt).Take(500).ToListAsync(ct);
        var accountIds = tasks.Select(t => t.AccountId).Distinct().ToList();
        var contextsById = await AccountContext.LoadManyAsync(db, accountIds, ct);
        var holds = (await db.Holds.AsNoTracking().Where(h => EF.Parameter(accountIds).Contains(h.AccountId)).ToListAsync(ct)).ToLookup(h => h.AccountId);
        var debtorIds = contextsById.Values.Select(c => c.Debtor.Id).Distinct().ToList();
        var optOuts = (await db.OptOuts.AsNoTracking().Where(o => EF.Parameter(debtorIds).Contains(o.DebtorId)).ToListAsync(ct)).ToLookup(o => o.DebtorId);
        var visits = new Dictionary<Guid, VisitTask>();
        foreach (var task in tasks)
        {
            if (!contextsById.TryGetValue(task.AccountId, out var ctx) || ctx.Debtor.CurrentAddress is not { } address)
            {
                continue;
            }

            var record = await timeline.LoadAsync(task.AccountId, ct);
            var ask = new List<string> { VisitAsks.All.Contains(task.ScriptStage ?? "") ? task.ScriptStage! : VisitAsks.Payment };
            // A claim inside its limitation warning window needs an acknowledgement more than anything else (BGB § 212(1) Nr. 1,
            // Ptk. 6:25(1) a), Limitation Act 1980 s.29(5)(a)): it starts the period afresh where the rule pack says so.
            if (!ask.Contains(VisitAsks.Acknowledgement) && ctx.Case?.LimitationWarnFrom is { } warn && ctx.Today(now) >= warn)
            {
                ask.Add(VisitAsks.Acknowledgement);
            }

            visits[task.Id] = new VisitTask(task.Id, task.AccountId, ctx.Account.CreditorReference, ctx.Creditor.Name, ctx.Debtor.DisplayName, ctx.Debtor.PreferredLanguage,
                new VisitStop(task.Id, address.Country, address.PostalCode, address.City, address.Street),
                record?.Balance.Outstanding ?? ctx.Account.Balance.Amount, ctx.Account.Currency, ask, task.DueAt,
                OnHold(holds[task.AccountId], now) ?? hours.Cease(ctx.Account, ctx.Debtor, [.. optOuts[ctx.Debtor.Id]], now) ?? hours.Evaluate(ctx.Account, ctx.Debtor, now), ctx.Case?.LimitationLastDay,
                [.. (record?.Entries ?? []).OrderByDescending(e => e.At).Take(8).Select(e => new VisitHistoryItem(e.At, e.Kind, e.Text))]);
        }

        return [.. VisitRoute.Order(visits.Values.Select(v => v.Stop))
            .Select(g => new VisitTaskGroup(g.Country, g.PostalCode, g.City, [.. g.Stops.Select(s => visits[s.Id])]))];
    }

    /// <summary>Stores <paramref name="request"/> once per idempotency key, in one transaction; a key stored before returns the
    /// stored outcome with <see cref="VisitOutcomeSaved.Duplicate"/> and writes nothing. Throws <see cref="OutcomeRefusedException"/>
    /// naming the field when a rule refuses it (nothing is stored then). The returned work (a promise's check, instalment
    /// reminders) is for the caller to schedule after the commit.</summary>
    public async Task<VisitOutcomeSaved> RecordAsync(VisitOutcomeRequest request, string agent, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(agent);
        Validate(request, Now);
        await using var db = contexts.CreateDbContext();
        if (await ExistingAsync(db, request.IdempotencyKey, ct) is { } stored)
        {
            return new VisitOutcomeSaved(stored, true, [], null);
        }

        VisitOutcomeSaved saved;
        try
        {
            var strategy = db.Database.CreateExecutionStrategy();
            saved = await strategy.ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                try
                {
                    var result = await SaveInTransactionAsync(db, request, agent, ct);
                    await transaction.CommitAsync(ct);
                    return result;
                }
                catch
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    db.ChangeTracker.Clear();
                    throw;
                }
            });
        }
        catch (DbUpdateException)
        {
            // The same outcome arrived twice at once (the phone retried while the first request was still running): the unique
            // index let one in, and this one is the duplicate. Any other failure goes on up.
            await using var fresh = contexts.CreateDbContext();
            if (await ExistingAsync(fresh, request.IdempotencyKey, CancellationToken.None) is { } raced)
            {
                return new VisitOutcomeSaved(raced, true, [], null);
            }

            throw;
        }

        VisitRecorded(logger, saved.OutcomeId, request.VisitId, request.Result, agent);
        // An acknowledgement, a payment or a plan may restart limitation (LimitationService applies the pack's rule): the case
        // shows the new date at once.
        var restarts = request.Acknowledgement is not null || request.Payment is not null || request.Plan is not null;
        return restarts ? saved with { Limitation = await limitation.RefreshAccountAsync(request.AccountId, ct) } : saved;
    }

    private static async Task<Guid?> ExistingAsync(CollectionsDbContext db, string key, CancellationToken ct) =>
        await db.FieldVisitOutcomes.AsNoTracking().Where(o => o.IdempotencyKey == key).Select(o => (Guid?)o.Id).SingleOrDefaultAsync(ct);

    [GeneratedRegex("^[A-Za-z0-9_-]{8,64}$")]
    private static partial Regex KeyPattern();

    /// <summary>The checks that need no database; each refusal names its field.</summary>
    internal static void Validate(VisitOutcomeRequest r, Instant now)
    {
        static void Refuse(string message) => throw new OutcomeRefusedException(message);
        if (!KeyPattern().IsMatch(r.IdempotencyKey ?? ""))
        {
            Refuse("idempotencyKey: 8 to 64 letters, digits, '-' or '_'.");
        }

        if (!Enum.IsDefined(r.Result))
        {
            Refuse("result: one of met, not-met, moved, refused.");
        }

        if (r.VisitedAt > now + Duration.FromMinutes(10))
        {
            Refuse($"visitedAt: {r.VisitedAt} is in the future (server time {now}).");
        }

        if (r.VisitedAt < now - MaxOfflineAge)
        {
            Refuse($"visitedAt: {r.VisitedAt} is more than {MaxOfflineAge.Days} days ago; enter it on the case instead.");
        }

        if (r.Note?.Length > 2000)
        {
            Refuse("note: at most 2000 characters.");
        }

        var met = r.Result == VisitResult.Met;
        if (!met && (r.Promise ?? r.Plan ?? r.Payment ?? (object?)r.Acknowledgement) is not null)
        {
            Refuse("result: a promise, plan, payment or acknowledgement needs the debtor met.");
        }

        if (r.Result != VisitResult.Moved && r.NewAddress is not null)
        {
            Refuse("newAddress: only when the debtor moved.");
        }

        if (r.NewAddress is { } a && (string.IsNullOrWhiteSpace(a.Street) || string.IsNullOrWhiteSpace(a.PostalCode) || string.IsNullOrWhiteSpace(a.City)
                                      || a.Country?.Trim().Length != 2 || a.Street.Length > 200 || a.City.Length > 100 || a.PostalCode.Length > 20))
        {
            Refuse("newAddress: street, postalCode, city and a two-letter country are needed.");
        }

        if (r.Promise is not null && r.Plan is not null)
        {
            Refuse("plan: a promise or a plan, not both.");
        }

        if (r.Acknowledgement is { } ack)
        {
            if (string.IsNullOrWhiteSpace(ack.Text) || ack.Text.Length > 4000)
            {
                Refuse("acknowledgement.text: the text the debtor acknowledged, at most 4000 characters.");
            }

            if (ack.Amount <= 0)
            {
                Refuse("acknowledgement.amount: must be positive.");
            }

            if (string.IsNullOrWhiteSpace(ack.SignedBy) || ack.SignedBy.Length > 200)
            {
                Refuse("acknowledgement.signedBy: the name of the person who signed.");
            }

            if (ack.SignaturePng is not { Length: > 8 } png || !png.AsSpan(0, 8).SequenceEqual(PngMagic) || png.Length > MaxSignatureBytes)
            {
                Refuse($"acknowledgement.signaturePng: a PNG image of at most {MaxSignatureBytes / 1024} kB.");
            }
        }
    }

    private async Task<VisitOutcomeSaved> SaveInTransactionAsync(CollectionsDbContext db, VisitOutcomeRequest r, string agent, CancellationToken ct)
    {
        var now = Now;
        if (!await db.Accounts.AnyAsync(a => a.Id == r.AccountId, ct))
        {
            throw new OutcomeRefusedException($"accountId: no account {r.AccountId}.");
        }

        var ctx = await AccountContext.LoadAsync(db, r.AccountId, ct);
        ScheduledContact? task = null;
        if (r.VisitId is { } visitId)
        {
            task = await db.ScheduledContacts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == visitId, ct);
            if (task is null || task.Channel != ContactChannel.Visit || task.AccountId != r.AccountId)
            {
                throw new OutcomeRefusedException($"visitId: {visitId} is not a visit of account {r.AccountId}.");
            }
        }

        // Judged at the moment of the visit, not of the upload: an outcome kept offline overnight was lawful when it happened.
        var decision = OnHold(await db.Holds.AsNoTracking().Where(h => h.AccountId == r.AccountId).ToListAsync(ct), r.VisitedAt)
                       ?? hours.Cease(ctx.Account, ctx.Debtor, await db.OptOuts.AsNoTracking().Where(o => o.DebtorId == ctx.Debtor.Id).ToListAsync(ct), r.VisitedAt)
                       ?? hours.Evaluate(ctx.Account, ctx.Debtor, r.VisitedAt);
        if (!decision.Allowed)
        {
            throw new OutcomeRefusedException(decision.RuleId == HoldRule
                ? $"visitedAt: {decision.Reason} ({decision.Source})."
                : decision.Reason.StartsWith("cease-communication request", StringComparison.Ordinal)
                    ? $"visitedAt: {decision.Reason} ({decision.RuleId}: {decision.Source})."
                    : $"visitedAt: outside visiting hours: {decision.Reason} ({decision.RuleId}: {decision.Source}).");
        }

        var address = ctx.Debtor.CurrentAddress;
        var attempt = new ContactAttempt
        {
            AccountId = r.AccountId,
            DebtorId = ctx.Debtor.Id,
            Channel = ContactChannel.Visit,
            Address = Cut(address is null ? "(no address)" : $"{address.Street}, {address.PostalCode} {address.City}, {address.Country}", 254),
            StartedAt = r.VisitedAt,
            EndedAt = r.VisitedAt,
            Outcome = r.Result switch
            {
                VisitResult.Met or VisitResult.Refused => ContactOutcome.Answered,
                VisitResult.NotMet => ContactOutcome.NoAnswer,
                _ => ContactOutcome.Failed,
            },
            RightPartyContact = r.Result is VisitResult.Met or VisitResult.Refused,
            Purpose = task?.Purpose ?? ContactPurpose.StrategyStep,
            ScheduledContactId = task?.Id,
        };
        db.ContactAttempts.Add(attempt);
        var outcome = new FieldVisitOutcome
        {
            IdempotencyKey = r.IdempotencyKey,
            AccountId = r.AccountId,
            ScheduledContactId = task?.Id,
            Result = r.Result,
            Agent = agent,
            VisitedAt = r.VisitedAt,
            RecordedAt = now,
            Note = string.IsNullOrWhiteSpace(r.Note) ? null : r.Note.Trim(),
            ContactAttemptId = attempt.Id,
        };

        var services = workflow.For(db);
        var work = new List<WorkItem>();
        if (r.Payment is { } payment)
        {
            outcome.PaymentId = (await PaymentPosting.TakeAsync(db, ctx, new PhonePaymentOutcome(payment.Amount, payment.Method, payment.Receipt), now, workflow.Options, ct)).Id;
        }

        try
        {
            if (r.Promise is { } promised)
            {
                var (promise, promiseWork) = await services.Promises.RecordAsync(r.AccountId, promised.Amount, promised.DueDate, ContactChannel.Visit, null, null, ct);
                outcome.PromiseId = promise.Id;
                work.AddRange(promiseWork);
            }

            if (r.Plan is { } agreed)
            {
                var (plan, planWork) = await services.Instalments.CreateAsync(r.AccountId,
                    new InstalmentRequest(ctx.Account.Balance.Amount, agreed.Count, InstalmentFrequency.Monthly, agreed.FirstDueDate, RegularAmount: agreed.Amount), null, ct);
                outcome.PlanId = plan.Id;
                work.AddRange(planWork);
            }
        }
        catch (ArgumentException ex)
        {
            throw new OutcomeRefusedException($"{(r.Plan is null ? "promise" : "plan")}: {ex.Message}");
        }

        if (outcome.PromiseId is not null || outcome.PlanId is not null)
        {
            await DueContactQueue.CancelOpenAsync(db, r.AccountId, CallOutcomeWorkflow.StrategyContacts,
                outcome.PlanId is not null ? "instalment plan agreed on a field visit" : "promise to pay made on a field visit", now, ct);
        }

        if (r.Acknowledgement is { } ack)
        {
            var acknowledgement = new DebtAcknowledgement
            {
                AccountId = r.AccountId,
                SignedOn = r.VisitedAt.InZone(ctx.Zone).Date,
                RecordedAt = now,
                Channel = ContactChannel.Visit,
                Text = ack.Text.Trim(),
                Amount = ack.Amount,
                SignedBy = ack.SignedBy.Trim(),
                RecordedBy = agent,
                SignaturePng = ack.SignaturePng,
            };
            db.DebtAcknowledgements.Add(acknowledgement);
            outcome.AcknowledgementId = acknowledgement.Id;
        }

        if (r.NewAddress is { } moved)
        {
            await MoveAsync(db, ctx, moved, now, ct);
        }

        var code = r switch
        {
            { Payment: not null } => DispositionCode.PaymentTaken,
            { Plan: not null } => DispositionCode.InstalmentPlan,
            { Promise: not null } => DispositionCode.PromiseToPay,
            { Result: VisitResult.Refused } => DispositionCode.RefusedToPay,
            { Result: VisitResult.NotMet } => DispositionCode.NoContact,
            { Result: VisitResult.Moved } => DispositionCode.WrongParty,
            _ => (DispositionCode?)null,
        };
        if (code is { } disposition)
        {
            db.Dispositions.Add(new Disposition { AccountId = r.AccountId, ContactAttemptId = attempt.Id, Code = disposition, Note = outcome.Note, At = r.VisitedAt });
        }

        db.FieldVisitOutcomes.Add(outcome);
        await db.SaveChangesAsync(ct);
        if (task is not null && !await DueContactQueue.CompleteVisitAsync(db, task.Id, attempt.Id, $"visit: {ResultText(r.Result)} ({agent})", now, ct))
        {
            throw new OutcomeRefusedException($"visitId: the visit {task.Id} is closed already ({task.Outcome ?? task.Status.ToString()}).");
        }

        return new VisitOutcomeSaved(outcome.Id, false, work, null);
    }

    /// <summary>The debtor moved: the old address ends now and the new one is current. The address history feeds the
    /// "address-changes" warning sign (seed 000: frequent moves), raised on the case at once when the threshold is met.</summary>
    private async Task MoveAsync(CollectionsDbContext db, AccountContext ctx, VisitNewAddress moved, Instant now, CancellationToken ct)
    {
        foreach (var open in ctx.Debtor.Addresses.Where(a => a.ValidUntil is null))
        {
            open.ValidUntil = now;
        }

        var address = new DebtorAddress
        {
            DebtorId = ctx.Debtor.Id,
            Street = moved.Street.Trim(),
            PostalCode = moved.PostalCode.Trim(),
            City = moved.City.Trim(),
            Country = moved.Country.Trim().ToUpperInvariant(),
            ValidFrom = now,
        };
        ctx.Debtor.Addresses.Add(address);
        if (ctx.Case is { } @case)
        {
            var payments = await db.Payments.AsNoTracking().Where(p => p.AccountId == ctx.Account.Id).ToListAsync(ct);
            var options = workflow.Options;
            var flags = RiskSignals.Evaluate(payments, ctx.Debtor.Addresses, now, options.AddressChangeThreshold, options.AddressChangeWindowDays);
            @case.RiskFlags = RiskSignals.Format(RiskSignals.Parse(@case.RiskFlags).Union(flags));
        }
    }

    /// <summary>The rule id of a refusal by a hold.</summary>
    public const string HoldRule = "hold";

    /// <summary>A visit is collection contact in person: an active dispute or hold on the account stops it as it stops calls and
    /// letters (every pack's <c>hold</c> rule: FDCPA 15 U.S.C. 1692g(b) for a disputed debt; MNB 2/2019; CONC 7.14 for
    /// disputed debts). Null when no hold is active at <paramref name="at"/>.</summary>
    internal static VisitingDecision? OnHold(IEnumerable<Hold> holds, Instant at) =>
        holds.Where(h => h.IsActiveAt(at)).OrderBy(h => h.From).FirstOrDefault() is { } hold
            ? new VisitingDecision(false, null, HoldRule, "each rule pack's hold rule (15 U.S.C. 1692g(b); MNB 2/2019; CONC 7.14): a dispute or hold stops collection contact, in person too",
                false, $"the account is on hold ({hold.Kind} since {hold.From:uuuu-MM-dd}: {hold.Reason}); no collection visit until it is lifted", hold.Until)
            : null;

    internal static string ResultText(VisitResult result) => result switch
    {
        VisitResult.NotMet => "not-met",
        _ => result.ToString().ToLowerInvariant(),
    };

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    [LoggerMessage(EventId = 9201, Level = LogLevel.Information, Message = "Field visit {VisitId} scheduled by {RequestedBy} for {Day}")]
    private static partial void VisitScheduled(ILogger logger, Guid visitId, string requestedBy, string day);

    [LoggerMessage(EventId = 9202, Level = LogLevel.Information, Message = "Field visit outcome {OutcomeId} stored for visit {VisitId}: {Result} by {Agent}")]
    private static partial void VisitRecorded(ILogger logger, Guid outcomeId, Guid? visitId, VisitResult result, string agent);
}
