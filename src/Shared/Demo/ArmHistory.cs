using System.Globalization;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Persistence.Bulk;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Strategies;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Demo;

/// <summary>What <see cref="ArmHistory.SeedAsync"/> added.</summary>
public sealed record ArmHistorySummary(int Cases, int Payments, int Contacts, int Promises);

/// <summary>
/// Months of simulated outcomes for the demo's champion/challenger tests (issue 20, "the demo has history"), so the analytics
/// page has something to show on the first start: cases placed day by day over <c>months</c>, each drawn into its arm by the
/// real <see cref="ArmAssignment"/>, with letters, calls, promises and payments simulated. One effect is planted:
/// consumer-standard's "early-call" arm pays more often (40 % of cases instead of 32 %, and its debtors are reached more often),
/// which the page shows as significant; business-standard's "early-final-demand" arm is simulated exactly like its
/// champion, so any difference the page shows there is noise and must read "not yet significant". Every history case is
/// closed, so the live process never works it. Deterministic for a seed.
/// </summary>
public static class ArmHistory
{
    /// <summary>The portfolio the history's accounts are placed in; its presence means the history was seeded.</summary>
    public const string PortfolioName = "Champion/challenger history";

    private sealed record Behaviour(double Pays, double RightParty, int CallDay, int FinalDemandDay);

    /// <summary>Seeds the history for the creditor <paramref name="creditorCode"/> unless it is there already (or the creditor or
    /// the strategies are missing); returns what was added, or null.</summary>
    public static async Task<ArmHistorySummary?> SeedAsync(CollectionsDbContext db, StrategyCatalog catalog, string creditorCode, Instant now, int months, int consumerCasesPerMonth, int seed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(catalog);
        var creditor = await db.Creditors.AsNoTracking().FirstOrDefaultAsync(c => c.Code == creditorCode, ct);
        var consumer = catalog.Strategies.FirstOrDefault(s => s.Id == "consumer-standard");
        var business = catalog.Strategies.FirstOrDefault(s => s.Id == "business-standard");
        if (creditor is null || consumer is null || business is null || months <= 0
            || await db.Portfolios.AnyAsync(p => p.CreditorId == creditor.Id && p.Name == PortfolioName, ct))
        {
            return null;
        }

        var random = new Random(seed);
        var guids = new SeededGuids(seed + 20);
        var portfolio = new Portfolio { Id = new PortfolioId(guids.Next()), CreditorId = creditor.Id, Name = PortfolioName, CreatedAt = now - Duration.FromDays(months * 30) };
        var debtors = new List<Debtor>();
        var accounts = new List<Account>();
        var cases = new List<Case>();
        var payments = new List<Payment>();
        var contacts = new List<ContactAttempt>();
        var promises = new List<PromiseToPay>();
        var steps = new List<CaseStep>();
        var today = now.InUtc().Date;
        var first = today.PlusDays(-months * 30);
        var consumerArms = new Dictionary<string, Behaviour>
        {
            [Strategy.Champion] = new(0.32, 0.45, 8, 29),
            ["early-call"] = new(0.40, 0.55, 4, 25),
        };
        var businessArms = new Dictionary<string, Behaviour>
        {
            [Strategy.Champion] = new(0.35, 0.50, 7, 14),
            ["early-final-demand"] = new(0.35, 0.50, 7, 7),
        };
        for (var day = first; day < today; day = day.PlusDays(1))
        {
            var perDay = consumerCasesPerMonth / 30.0;
            foreach (var (strategy, arms, count) in new[] { (consumer, consumerArms, perDay), (business, businessArms, perDay * 0.4) })
            {
                var n = (int)count + (random.NextDouble() < count - (int)count ? 1 : 0);
                for (var i = 0; i < n; i++)
                {
                    var caseId = new CaseId(guids.Next());
                    var arm = ArmAssignment.Assign(strategy, caseId);
                    var behaviour = arms.GetValueOrDefault(arm) ?? arms[Strategy.Champion];
                    var kind = strategy == business ? DebtorKind.Business : DebtorKind.Consumer;
                    var debtor = new Debtor
                    {
                        Id = new DebtorId(guids.Next()), Kind = kind, PreferredLanguage = "de", TimeZoneId = "Europe/Berlin",
                        FirstName = kind == DebtorKind.Consumer ? "Kunde" : null,
                        LastName = string.Create(CultureInfo.InvariantCulture, $"Historie {accounts.Count + 1:00000}"),
                        CompanyName = kind == DebtorKind.Business ? string.Create(CultureInfo.InvariantCulture, $"Historie {accounts.Count + 1:00000} GmbH") : null,
                    };
                    var placedAt = (day + new LocalTime(6, 0)).InUtc().ToInstant() + Duration.FromMinutes(random.Next(0, 600));
                    var principal = Math.Round((decimal)(200 + 600 * random.NextDouble()), 2);
                    var account = new Account
                    {
                        Id = new AccountId(guids.Next()), CreditorId = creditor.Id, PortfolioId = portfolio.Id, DebtorId = debtor.Id,
                        CreditorReference = string.Create(CultureInfo.InvariantCulture, $"HIST-{accounts.Count + 1:00000}"),
                        Industry = kind == DebtorKind.Business ? Industry.B2BTradeCredit : Industry.Telecom, Currency = "EUR", Principal = principal,
                        DueDate = day.PlusDays(-20), CreatedAt = placedAt, UpdatedAt = placedAt,
                    };
                    var @case = new Case
                    {
                        Id = caseId, AccountId = account.Id, StrategyId = strategy.Id, Arm = arm, OpenedAt = placedAt, Phase = CasePhase.Closed, ClosedAt = now,
                        StrategyReason = $"{strategy.Id}: demo history (simulated outcomes, docs/analytics.md)",
                    };
                    var plan = strategy.StepsOf(arm);
                    void Step(string key, int day)
                    {
                        // The strategy step the simulated contact stands for, run that day (the figures per step and template).
                        var at = placedAt + Duration.FromDays(day) + Duration.FromHours(2);
                        if (at < now && plan.FirstOrDefault(s => s.Id == key) is { } step)
                        {
                            steps.Add(new CaseStep
                            {
                                CaseId = caseId, Sequence = plan.ToList().IndexOf(step) + 1, StepKey = key, Phase = step.Phase, Channel = step.Channel,
                                Campaign = step.Campaign, ScriptStage = step.ScriptStage, DueAt = at, ExecutedAt = at, Status = CaseStepStatus.Done,
                            });
                        }
                    }

                    Simulate(random, behaviour, account, debtor, placedAt, now, payments, contacts, promises, Step);
                    debtors.Add(debtor);
                    accounts.Add(account);
                    cases.Add(@case);
                }
            }
        }

        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Portfolios.Add(portfolio);
        await db.SaveChangesAsync(ct);
        await InsertAsync(db, debtors, ct);
        await InsertAsync(db, accounts, ct);
        await InsertAsync(db, cases, ct);
        await InsertAsync(db, payments, ct);
        await InsertAsync(db, contacts, ct);
        await InsertAsync(db, promises, ct);
        await InsertAsync(db, steps, ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new ArmHistorySummary(cases.Count, payments.Count, contacts.Count, promises.Count);
    }

    /// <summary>One case's contacts, promise and payment, each only if it falls before <paramref name="now"/>.</summary>
    private static void Simulate(Random random, Behaviour b, Account account, Debtor debtor, Instant placedAt, Instant now,
        List<Payment> payments, List<ContactAttempt> contacts, List<PromiseToPay> promises, Action<string, int> step)
    {
        var phone = string.Create(CultureInfo.InvariantCulture, $"+49151{random.Next(1_000_000, 9_999_999)}");
        void Contact(int day, ContactChannel channel, ContactOutcome outcome, bool rpc)
        {
            var at = placedAt + Duration.FromDays(day) + Duration.FromHours(2);
            if (at < now)
            {
                contacts.Add(new ContactAttempt
                {
                    AccountId = account.Id, DebtorId = debtor.Id, Channel = channel, Address = channel == ContactChannel.Letter ? "post" : phone,
                    StartedAt = at, EndedAt = at + Duration.FromMinutes(2), Outcome = outcome, RightPartyContact = rpc,
                    Purpose = channel == ContactChannel.Call ? ContactPurpose.FirstContact : ContactPurpose.Reminder,
                });
            }
        }

        Contact(1, ContactChannel.Letter, ContactOutcome.Sent, false);
        step("written-reminder", 1);
        step("phone-campaign", b.CallDay);
        step("sms-reminder", b.CallDay + 3);
        step("final-demand", b.FinalDemandDay);
        var pays = random.NextDouble() < b.Pays;
        // The debtors who will pay are the easier ones to reach.
        var rpc = pays ? random.NextDouble() < 0.85 : random.NextDouble() < b.RightParty * 0.6;
        var attempts = rpc ? 1 + random.Next(0, 2) : 2 + random.Next(0, 3);
        for (var a = 0; a < attempts; a++)
        {
            var last = a == attempts - 1;
            Contact(b.CallDay + 2 * a, ContactChannel.Call, last && rpc ? ContactOutcome.Answered : random.NextDouble() < 0.5 ? ContactOutcome.NoAnswer : ContactOutcome.Machine, last && rpc);
        }

        Contact(b.CallDay + 3, ContactChannel.Sms, ContactOutcome.Delivered, false);
        Contact(b.FinalDemandDay, ContactChannel.Letter, ContactOutcome.Sent, false);
        if (!pays)
        {
            if (rpc && random.NextDouble() < 0.3)
            {
                AddPromise(b.CallDay + 1, PromiseStatus.Broken, account.Principal, 0m);
            }

            return;
        }

        var day = Math.Min(170, b.CallDay + 1 + (int)(-Math.Log(1 - random.NextDouble()) * 20));
        var amount = Math.Round(account.Principal * (decimal)(0.5 + 0.5 * random.NextDouble()), 2);
        var received = placedAt + Duration.FromDays(day);
        if (received >= now)
        {
            return;
        }

        if (random.NextDouble() < 0.7)
        {
            AddPromise(Math.Max(b.CallDay, day - 3), PromiseStatus.Kept, amount, amount);
        }

        payments.Add(new Payment
        {
            AccountId = account.Id, Amount = amount, Currency = account.Currency, ReceivedOn = received.InUtc().Date, Method = PaymentMethod.BankTransfer,
            AllocatedPrincipal = amount, RecordedAt = received, Reference = account.CreditorReference,
        });
        account.Paid = amount;

        void AddPromise(int promisedOn, PromiseStatus status, decimal promised, decimal kept)
        {
            var at = placedAt + Duration.FromDays(promisedOn);
            if (at < now)
            {
                promises.Add(new PromiseToPay
                {
                    AccountId = account.Id, Amount = promised, Currency = account.Currency, DueDate = (at + Duration.FromDays(3)).InUtc().Date,
                    Channel = ContactChannel.Call, Status = status, AmountReceived = kept, CreatedAt = at,
                });
            }
        }
    }

    private static async Task InsertAsync<T>(CollectionsDbContext db, List<T> rows, CancellationToken ct)
        where T : class
    {
        using var inserter = new BulkInserter<T>(db);
        await inserter.InsertAsync(rows, ct);
    }
}
