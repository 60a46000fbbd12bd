using Collections.Shared.Abandonment;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Tests.Compliance;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Abandonment;

/// <summary>Marking a call abandoned in the ledger, the 72 h rule reading it, and abandonment counted per campaign and window.</summary>
public sealed class AbandonedCallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Wednesday 2026-03-11 10:00 in London (GMT): inside the GB pack's calling hours.
    private static readonly Instant Start = ComplianceTestData.Local(ComplianceTestData.London, 2026, 3, 11, 10);

    private sealed record World(DatabaseOptions Database, FakeTimeProvider Clock, ContactLedger Ledger, AbandonmentStats Stats, Account Account, Campaign Campaign, Campaign Other)
    {
        public CollectionsDbContext CreateContext() => DatabaseSetup.CreateContext(Database);
    }

    private static async Task<World> CreateAsync()
    {
        var database = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(Start.ToDateTimeOffset());
        var creditor = new Creditor { Code = "UKT", Name = "UK Telecom", Country = "GB" };
        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "2026-02" };
        var debtor = ComplianceTestData.Debtor("GB", ComplianceTestData.UkMobile, timeZoneId: "Europe/London");
        var account = ComplianceTestData.Account(debtor);
        account.CreditorId = creditor.Id;
        account.PortfolioId = portfolio.Id;
        var campaign = new Campaign { Name = "UK early arrears", CreatedAt = Start - Duration.FromDays(60) };
        var other = new Campaign { Name = "UK late arrears", CreatedAt = Start - Duration.FromDays(60) };
        await using (var db = DatabaseSetup.CreateContext(database))
        {
            db.AddRange(creditor, portfolio, debtor, account, campaign, other);
            await db.SaveChangesAsync(Ct);
        }

        Func<CollectionsDbContext> factory = () => DatabaseSetup.CreateContext(database);
        var ledger = new ContactLedger(ComplianceTestData.Engine, factory, clock, NullLogger<ContactLedger>.Instance);
        return new World(database, clock, ledger, new AbandonmentStats(factory, clock), account, campaign, other);
    }

    private static ContactRequest Call(World w) =>
        new(w.Account.Id, new ContactTarget(ContactChannel.Call, ComplianceTestData.UkMobile), CampaignContext.Predictive, w.Campaign.Id);

    [Fact]
    public async Task An_abandoned_call_is_recorded_with_its_message_and_blocks_the_number_for_72_hours()
    {
        var w = await CreateAsync();
        var reservation = await w.Ledger.ReserveAsync(Call(w), Ct);
        Assert.True(reservation.MayProceed);
        w.Clock.Advance(TimeSpan.FromSeconds(20));
        await w.Ledger.MarkAbandonedAsync(reservation.AttemptId!.Value, informationMessagePlayed: true, Ct);

        await using (var db = w.CreateContext())
        {
            var row = await db.ContactAttempts.SingleAsync(Ct);
            Assert.Equal(ContactOutcome.Abandoned, row.Outcome);
            Assert.True(row.InformationMessagePlayed);
            Assert.False(row.RightPartyContact);
            Assert.Equal(Start + Duration.FromSeconds(20), row.EndedAt);
        }

        // Ofcom: no repeat within 72 h of the abandoned call (from its end) without a guaranteed operator.
        var service = new ComplianceService(ComplianceTestData.Engine, w.CreateContext, w.Clock);
        var target = new ContactTarget(ContactChannel.Call, ComplianceTestData.UkMobile);
        var end = Start + Duration.FromSeconds(20);
        var before = await service.CheckAsync(w.Account.Id, target, CampaignContext.Predictive, end + Duration.FromHours(72) - Duration.FromMinutes(1), Ct);
        Assert.Equal(RuleVerdict.Refused, ComplianceTestData.Rule(before!, "uk.ofcom.abandoned-72h").Verdict);
        var after = await service.CheckAsync(w.Account.Id, target, CampaignContext.Predictive, end + Duration.FromHours(72), Ct);
        Assert.Equal(RuleVerdict.Allowed, ComplianceTestData.Rule(after!, "uk.ofcom.abandoned-72h").Verdict);
        var withOperator = await service.CheckAsync(w.Account.Id, target, CampaignContext.Manual, end + Duration.FromHours(1), Ct);
        Assert.Equal(RuleVerdict.Allowed, ComplianceTestData.Rule(withOperator!, "uk.ofcom.abandoned-72h").Verdict);

        // The ledger refuses the repeat too, writing nothing.
        w.Clock.Advance(TimeSpan.FromHours(2));
        var repeat = await w.Ledger.ReserveAsync(Call(w), Ct);
        Assert.False(repeat.MayProceed);
    }

    [Fact]
    public async Task Only_a_pending_call_can_be_marked_abandoned()
    {
        var w = await CreateAsync();
        var reservation = await w.Ledger.ReserveAsync(Call(w), Ct);
        await w.Ledger.CompleteAsync(reservation.AttemptId!.Value, new ContactResult(ContactOutcome.Answered, RightPartyContact: true), Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => w.Ledger.MarkAbandonedAsync(reservation.AttemptId!.Value, true, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => w.Ledger.MarkAbandonedAsync(ContactAttemptId.New(), true, Ct));
    }

    [Fact]
    public async Task People_AMD_hung_up_on_as_machines_are_added_as_Ofcoms_reasoned_estimate()
    {
        // Ofcom 2016 persistent-misuse statement, Annex 3: an AMD user's abandoned call rate includes a reasoned estimate of
        // AMD false positives (live people the dialer treated as machines and hung up on).
        var w = await CreateAsync();
        var rows = new List<ContactAttempt>();
        void Add(ContactOutcome outcome, bool amd = false) => rows.Add(new ContactAttempt
        {
            AccountId = w.Account.Id, DebtorId = w.Account.DebtorId, Channel = ContactChannel.Call, Address = ComplianceTestData.UkMobile,
            CampaignId = w.Campaign.Id, StartedAt = Start - Duration.FromHours(rows.Count + 1), Outcome = outcome, AmdFlagged = amd,
        });
        for (var i = 0; i < 8; i++)
        {
            Add(ContactOutcome.Answered);
        }

        for (var i = 0; i < 4; i++)
        {
            Add(ContactOutcome.Machine, amd: true);
        }

        Add(ContactOutcome.Machine);   // a machine reached without an AMD verdict (not hung up by AMD): not counted
        await using (var db = w.CreateContext())
        {
            db.ContactAttempts.AddRange(rows);
            await db.SaveChangesAsync(Ct);
        }

        var stats = new AbandonmentStats(w.CreateContext, w.Clock, new AbandonmentOptions { AmdFalsePositiveShare = 0.25 });
        var day = (await stats.GetAsync(w.Campaign.Id, Start, Ct)).Last24Hours;
        Assert.Equal((0, 8, 4, 1.0), (day.Abandoned, day.AnsweredByPerson, day.AmdMachines, day.EstimatedAmdFalsePositives));
        Assert.Equal(1.0 / 9.0, day.Rate, 10);

        // Without the estimate (share 0) the same calls show no abandonment at all.
        Assert.Equal(0.0, (await w.Stats.GetAsync(w.Campaign.Id, Start, Ct)).Last24Hours.Rate, 10);
    }

    [Fact]
    public async Task Abandonment_is_counted_per_campaign_over_24_hours_30_days_and_the_campaign()
    {
        var w = await CreateAsync();
        var now = Start;
        var rows = new List<ContactAttempt>();
        void Add(Campaign campaign, Duration ago, ContactOutcome outcome) => rows.Add(new ContactAttempt
        {
            AccountId = w.Account.Id, DebtorId = w.Account.DebtorId, Channel = ContactChannel.Call, Address = ComplianceTestData.UkMobile,
            CampaignId = campaign.Id, StartedAt = now - ago, EndedAt = now - ago + Duration.FromSeconds(40), Outcome = outcome,
        });

        // Last 24 h: 1 abandoned of 4 answered by a person; machines, no answers and pending calls are not counted.
        Add(w.Campaign, Duration.FromHours(1), ContactOutcome.Abandoned);
        Add(w.Campaign, Duration.FromHours(2), ContactOutcome.Answered);
        Add(w.Campaign, Duration.FromHours(3), ContactOutcome.Answered);
        Add(w.Campaign, Duration.FromHours(23), ContactOutcome.Answered);
        Add(w.Campaign, Duration.FromHours(4), ContactOutcome.Machine);
        Add(w.Campaign, Duration.FromHours(5), ContactOutcome.NoAnswer);
        Add(w.Campaign, Duration.FromMinutes(1), ContactOutcome.Pending);
        // 1 to 30 days ago: 2 abandoned of 6 answered more.
        Add(w.Campaign, Duration.FromHours(25), ContactOutcome.Abandoned);
        Add(w.Campaign, Duration.FromDays(10), ContactOutcome.Abandoned);
        for (var i = 0; i < 4; i++)
        {
            Add(w.Campaign, Duration.FromDays(20) + Duration.FromHours(i), ContactOutcome.Answered);
        }

        // Older than 30 days: 1 abandoned of 1 answered.
        Add(w.Campaign, Duration.FromDays(45), ContactOutcome.Abandoned);
        // The other campaign: 3 abandoned in 24 h, none answered otherwise.
        for (var i = 0; i < 3; i++)
        {
            Add(w.Other, Duration.FromHours(i + 1), ContactOutcome.Abandoned);
        }

        // A call in the future of the asked instant is not counted.
        Add(w.Campaign, Duration.FromHours(-1), ContactOutcome.Abandoned);
        await using (var db = w.CreateContext())
        {
            db.ContactAttempts.AddRange(rows);
            await db.SaveChangesAsync(Ct);
        }

        var report = await w.Stats.GetAsync(w.Campaign.Id, now, Ct);
        Assert.Equal((1, 4), (report.Last24Hours.Abandoned, report.Last24Hours.AnsweredByPerson));
        Assert.Equal(0.25, report.Last24Hours.Rate, 10);
        Assert.Equal((3, 10), (report.Last30Days.Abandoned, report.Last30Days.AnsweredByPerson));
        Assert.Equal((4, 11), (report.Lifetime.Abandoned, report.Lifetime.AnsweredByPerson));
        Assert.Equal(now - Duration.FromDays(45), report.Lifetime.From);

        var both = await w.Stats.GetAsync([w.Campaign.Id, w.Other.Id], now, Ct);
        Assert.Equal(1.0, both[w.Other.Id].Last24Hours.Rate, 10);
        Assert.Equal(3, both[w.Other.Id].Lifetime.Abandoned);

        // A campaign with no calls: zero, not a division by zero.
        var empty = await w.Stats.GetAsync(CampaignId.New(), now, Ct);
        Assert.Equal(0.0, empty.Last24Hours.Rate);
        Assert.Equal(0, empty.Lifetime.AnsweredByPerson);

        // A day later the 24 h window has moved past every call of the first day.
        var tomorrow = await w.Stats.GetAsync(w.Campaign.Id, now + Duration.FromHours(24), Ct);
        Assert.Equal((1, 1), (tomorrow.Last24Hours.Abandoned, tomorrow.Last24Hours.AnsweredByPerson));
    }
}
