using Collections.Shared.Abandonment;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Tests.Compliance;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Abandonment;

/// <summary>Operators' marks on calls: stored on the ledger row, refused where nobody heard the answer, and feeding the one
/// false-positive estimate the statistics count AMD's abandoned calls with.</summary>
public sealed class AmdMarksTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Instant Start = ComplianceTestData.Local(ComplianceTestData.London, 2026, 3, 11, 10);

    private sealed record World(DatabaseOptions Database, FakeTimeProvider Clock, AmdMarks Marks, Account Account, Campaign Campaign)
    {
        public CollectionsDbContext CreateContext() => DatabaseSetup.CreateContext(Database);

        public async Task<ContactAttemptId> AddAsync(ContactOutcome outcome, bool amd, int hoursAgo = 1)
        {
            var row = new ContactAttempt
            {
                AccountId = Account.Id, DebtorId = Account.DebtorId, Channel = ContactChannel.Call, Address = ComplianceTestData.UkMobile,
                CampaignId = Campaign.Id, StartedAt = Start - Duration.FromHours(hoursAgo), Outcome = outcome, AmdFlagged = amd,
            };
            await using var db = CreateContext();
            db.ContactAttempts.Add(row);
            await db.SaveChangesAsync(Ct);
            return row.Id;
        }
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
        await using (var db = DatabaseSetup.CreateContext(database))
        {
            db.AddRange(creditor, portfolio, debtor, account, campaign);
            await db.SaveChangesAsync(Ct);
        }

        return new World(database, clock, new AmdMarks(() => DatabaseSetup.CreateContext(database), clock), account, campaign);
    }

    [Fact]
    public async Task A_mark_is_stored_on_the_call_and_told_to_the_campaign_with_what_AMD_had_said()
    {
        var w = await CreateAsync();
        var passed = await w.AddAsync(ContactOutcome.Answered, amd: true);
        var heard = new List<AmdMarked>();
        w.Marks.Marked += heard.Add;

        var (marked, refusal) = await w.Marks.MarkAsync(passed, AnswerMark.Person, Ct);

        Assert.Null(refusal);
        Assert.Equal(new AmdMarked(w.Campaign.Id, passed, Start, AnswerMark.Person, MachineVerdict: true, ReachedOperator: true), marked);
        Assert.Equal(marked, Assert.Single(heard));
        await using var db = w.CreateContext();
        var row = await db.ContactAttempts.SingleAsync(c => c.Id == passed, Ct);
        Assert.Equal((AnswerMark.Person, Start), (row.OperatorMark, row.MarkedAt));
    }

    [Fact]
    public async Task Calls_nobody_heard_cannot_be_marked_and_a_mark_is_not_changed()
    {
        var w = await CreateAsync();
        var busy = await w.AddAsync(ContactOutcome.Busy, amd: false);
        var abandoned = await w.AddAsync(ContactOutcome.Abandoned, amd: false);
        var answered = await w.AddAsync(ContactOutcome.Answered, amd: false);

        Assert.Contains("cannot be marked", (await w.Marks.MarkAsync(busy, AnswerMark.Machine, Ct)).Refusal);
        Assert.Contains("cannot be marked", (await w.Marks.MarkAsync(abandoned, AnswerMark.Person, Ct)).Refusal);
        Assert.Equal("no such call", (await w.Marks.MarkAsync(ContactAttemptId.New(), AnswerMark.Person, Ct)).Refusal);
        Assert.NotNull((await w.Marks.MarkAsync(answered, AnswerMark.Machine, Ct)).Marked);
        Assert.Equal((null, null), await w.Marks.MarkAsync(answered, AnswerMark.Machine, Ct));
        Assert.Equal("the call is already marked 'Machine'", (await w.Marks.MarkAsync(answered, AnswerMark.Person, Ct)).Refusal);
    }

    [Fact]
    public async Task Marks_on_machine_verdicts_move_the_estimate_and_marked_machines_leave_the_persons()
    {
        var w = await CreateAsync();
        var options = new AbandonmentOptions { AmdFalsePositiveShare = 0.25, AmdFalsePositivePriorWeight = 50 };

        // 10 calls an operator took (AMD said HUMAN), 20 MACHINE verdicts hung up on.
        var taken = new List<ContactAttemptId>();
        for (var i = 0; i < 10; i++)
        {
            taken.Add(await w.AddAsync(ContactOutcome.Answered, amd: false));
        }

        var hungUp = new List<ContactAttemptId>();
        for (var i = 0; i < 20; i++)
        {
            hungUp.Add(await w.AddAsync(ContactOutcome.Machine, amd: true));
        }

        var stats = new AbandonmentStats(w.CreateContext, w.Clock, options);
        var before = (await stats.GetAsync(w.Campaign.Id, Start, Ct)).Last24Hours;
        Assert.Equal((10, 20, 5.0), (before.AnsweredByPerson, before.AmdMachines, before.EstimatedAmdFalsePositives));

        // 50 MACHINE verdicts reviewed from recordings or passed to operators, none of them a person: (0 + 0.25 x 50) / (50 + 50).
        for (var i = 0; i < 50; i++)
        {
            var passed = await w.AddAsync(ContactOutcome.Answered, amd: true, hoursAgo: 30);
            Assert.NotNull((await w.Marks.MarkAsync(passed, AnswerMark.Machine, Ct)).Marked);
        }

        // One HUMAN verdict the operator found to be a machine: a missed machine, no longer a person.
        Assert.NotNull((await w.Marks.MarkAsync(taken[0], AnswerMark.Machine, Ct)).Marked);

        var counts = (await w.Marks.CountsAsync([w.Campaign.Id], Start, Ct))[w.Campaign.Id];
        Assert.Equal(new AmdReviewCounts(50, 0, 51, 51, 1, 1), counts);
        Assert.Equal(0.125, options.Estimate(counts).Share, 10);

        var after = (await stats.GetAsync(w.Campaign.Id, Start, Ct)).Last24Hours;
        Assert.Equal((9, 1, 2.5), (after.AnsweredByPerson, after.MarkedMachines, after.EstimatedAmdFalsePositives));
        Assert.Equal(2.5 / 11.5, after.Rate, 10);
    }
}
