using Collections.Dialer.Hopper;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.DueContacts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Dialer.Tests.Hopper;

/// <summary>A migrated database with one creditor and campaign, German debtors (Europe/Berlin) with consented mobiles, each
/// with a call queued in the campaign's queue (scheduled_contacts), and hoppers on a shared fake clock that starts on Tuesday
/// 2026-03-10 at 10:00 Berlin time (inside the DE pack's hours).</summary>
internal sealed class HopperWorld
{
    public static readonly Instant Start = Berlin(2026, 3, 10, 10, 0);

    private static readonly Lazy<ComplianceEngine> SharedEngine = new(() => ComplianceSetup.CreateEngine(new ComplianceOptions()));
    private int _numbers;

    private HopperWorld(DatabaseOptions database, Creditor creditor, Portfolio portfolio, Campaign campaign)
    {
        Database = database;
        Creditor = creditor;
        Portfolio = portfolio;
        Campaign = campaign;
    }

    public DatabaseOptions Database { get; }

    public Creditor Creditor { get; }

    public Portfolio Portfolio { get; }

    public Campaign Campaign { get; }

    public FakeTimeProvider Clock { get; } = new(Start.ToDateTimeOffset());

    public HopperOptions Options { get; } = new();

    public static ComplianceEngine Engine => SharedEngine.Value;

    public Instant Now => Instant.FromDateTimeOffset(Clock.GetUtcNow());

    public static Instant Berlin(int year, int month, int day, int hour, int minute) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneStrictly(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).ToInstant();

    public CollectionsDbContext CreateContext() => DatabaseSetup.CreateContext(Database);

    /// <summary>The queue of due contacts on the world's clock.</summary>
    public DueContactQueue Queue => new(CreateContext, Clock, NullLogger<DueContactQueue>.Instance);

    /// <summary>A hopper as one dialer node sees the database: its own contexts, its own node id.</summary>
    public DialerHopper Hopper(string node = "node-a") =>
        new(node, Engine, CreateContext, Clock, Options, Queue, NullLogger<DialerHopper>.Instance);

    /// <summary>Creates the creditor, portfolio and a running predictive campaign in <paramref name="database"/> (already migrated).</summary>
    public static async Task<HopperWorld> CreateAsync(DatabaseOptions database, Action<Campaign>? campaign = null)
    {
        var creditor = new Creditor { Code = "TEL", Name = "Telekom Test", Country = "DE" };
        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "2026-02", CreatedAt = Start - Duration.FromDays(60) };
        var c = new Campaign
        {
            Name = "Telecom DE", Mode = DialMode.Predictive, Status = CampaignStatus.Running, Industry = Industry.Telecom,
            CreatedAt = Start - Duration.FromDays(30),
        };
        campaign?.Invoke(c);
        await using var db = DatabaseSetup.CreateContext(database);
        db.AddRange(creditor, portfolio, c);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return new HopperWorld(database, creditor, portfolio, c);
    }

    /// <summary>A new German debtor with one account, a case, and a call queued in the campaign's queue due since
    /// <paramref name="dueAgo"/> (an hour when null) for <paramref name="purpose"/>, not saved yet.</summary>
    public Seeded NewAccount(string reference, int phones = 1, TimeSpan? dueAgo = null, ContactPurpose purpose = ContactPurpose.StrategyStep,
        Industry industry = Industry.Telecom, string? queue = null)
    {
        var debtor = new Debtor { PreferredLanguage = "de", FirstName = "Test", LastName = reference, TimeZoneId = "Europe/Berlin" };
        debtor.Addresses.Add(new DebtorAddress
        {
            DebtorId = debtor.Id, Street = "Hauptstraße 1", PostalCode = "10115", City = "Berlin", Country = "DE", ValidFrom = Start - Duration.FromDays(900),
        });
        for (var p = 1; p <= phones; p++)
        {
            debtor.Phones.Add(new PhoneNumber
            {
                DebtorId = debtor.Id, E164 = NextMobile(), Kind = PhoneKind.Mobile, Region = "DE", Priority = p, AutodialConsent = true,
                ConsentSource = "contract clause 9",
            });
        }

        var account = new Account
        {
            CreditorId = Creditor.Id, PortfolioId = Portfolio.Id, DebtorId = debtor.Id, CreditorReference = reference, Industry = industry,
            Currency = "EUR", Principal = 100m, DueDate = new LocalDate(2026, 1, 15), CreatedAt = Start - Duration.FromDays(50),
        };
        var dueAt = Start - Duration.FromTimeSpan(dueAgo ?? TimeSpan.FromHours(1));
        var @case = new Case
        {
            AccountId = account.Id, Phase = CasePhase.PhoneAndMessages, StrategyId = "telecom-consumer", NextStep = "call",
            NextStepDueAt = dueAt, OpenedAt = Start - Duration.FromDays(40),
        };
        return new Seeded(debtor, account, @case, QueuedCall(account, @case, dueAt, purpose, queue));
    }

    /// <summary>A call queued for <paramref name="account"/> as the workflow queues one (not saved yet).</summary>
    public ScheduledContact QueuedCall(Account account, Case? @case, Instant dueAt, ContactPurpose purpose = ContactPurpose.StrategyStep, string? queue = null) => new()
    {
        AccountId = account.Id, CaseId = @case?.Id, Channel = ContactChannel.Call, Campaign = queue ?? Campaign.Queue, DueAt = dueAt, NextAttemptAt = dueAt,
        Purpose = purpose, ScriptStage = purpose == ContactPurpose.PreInstalment ? "pre-instalment" : "first-contact",
        Reason = $"test:{purpose.Text()}", IdempotencyKey = $"test:{account.Id}:{Guid.NewGuid():N}", CreatedAt = dueAt - Duration.FromDays(1),
    };

    /// <summary>Saves <paramref name="accounts"/> in batches.</summary>
    public async Task SaveAsync(IEnumerable<Seeded> accounts)
    {
        foreach (var batch in accounts.Chunk(500))
        {
            await using var db = CreateContext();
            foreach (var s in batch)
            {
                db.AddRange(s.Debtor, s.Account, s.Case, s.Call);
            }

            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
    }

    public async Task AddAsync(params object[] entities)
    {
        await using var db = CreateContext();
        db.AddRange(entities);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A finished call in the ledger.</summary>
    public static ContactAttempt Call(Seeded s, string number, Instant at, ContactOutcome outcome, bool rightParty = false) => new()
    {
        AccountId = s.Account.Id, DebtorId = s.Debtor.Id, Channel = ContactChannel.Call, Address = number, StartedAt = at,
        EndedAt = at + Duration.FromSeconds(30), Outcome = outcome, RightPartyContact = rightParty,
    };

    // Valid German mobile numbers (+49 151 and eight digits), distinct per world.
    private string NextMobile() => $"+49151{Interlocked.Increment(ref _numbers):D8}";
}

/// <summary>One debtor, account, case and queued call of a <see cref="HopperWorld"/>.</summary>
internal sealed record Seeded(Debtor Debtor, Account Account, Case Case, ScheduledContact Call)
{
    public string Phone(int priority) => Debtor.Phones.Single(p => p.Priority == priority).E164;
}
