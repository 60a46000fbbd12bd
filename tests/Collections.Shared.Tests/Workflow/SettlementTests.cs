using Collections.Shared.Domain;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

public sealed class SettlementTests
{
    [Fact]
    public async Task Within_the_consented_discount_an_offer_is_agreed_beyond_it_the_creditor_is_asked()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 4, 1, 10, 0, 0, TimeSpan.Zero));
        // The creditor consents to 10 % (WorkflowData's policy); the balance is 500.00.
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 1), principal: 500m);
        var driver = new WorkDriver(db, clock);

        var within = await driver.WithAsync(s => s.Settlements.OfferAsync(account.Id, 450m));
        Assert.Equal((SettlementStatus.Agreed, 10.00m, (Instant?)null), (within.Status, within.DiscountPercent, within.ApprovalRequestedAt));
        Assert.Equal(new LocalDate(2025, 4, 15), within.PayBy);

        var beyond = await driver.WithAsync(s => s.Settlements.OfferAsync(account.Id, 400m));
        Assert.Equal((SettlementStatus.AwaitingCreditorApproval, 20.00m), (beyond.Status, beyond.DiscountPercent));
        Assert.Equal(Instant.FromUtc(2025, 4, 1, 10, 0), beyond.ApprovalRequestedAt);
        Assert.Contains("claims@telco.example", beyond.Note, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromDays(3));
        var (approved, _) = await driver.WithAsync(s => s.Settlements.DecideAsync(beyond.Id, approved: true, "creditor:telco"));
        Assert.Equal((SettlementStatus.Approved, new LocalDate(2025, 4, 18)), (approved.Status, approved.PayBy));
        await Assert.ThrowsAsync<InvalidOperationException>(() => driver.WithAsync(s => s.Settlements.DecideAsync(within.Id, approved: true, "creditor:telco")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => driver.WithAsync(s => s.Settlements.OfferAsync(account.Id, 500m)));
    }

    [Theory]
    [InlineData(SettlementApproval.Supervisor, false, true)]
    [InlineData(SettlementApproval.Supervisor, true, false)]
    [InlineData(SettlementApproval.Creditor, true, true)]
    [InlineData(SettlementApproval.Creditor, false, false)]
    [InlineData(SettlementApproval.CreditorOrSupervisor, true, true)]
    [InlineData(SettlementApproval.CreditorOrSupervisor, false, true)]
    public async Task The_creditor_policy_says_who_may_decide_beyond_the_consent(SettlementApproval policy, bool byCreditor, bool allowed)
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 4, 1, 10, 0, 0, TimeSpan.Zero));
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 1), principal: 500m, policy: p => p.SettlementApproval = policy);

        var driver = new WorkDriver(db, clock);
        var beyond = await driver.WithAsync(s => s.Settlements.OfferAsync(account.Id, 400m));
        Assert.Contains(policy == SettlementApproval.Supervisor ? "a supervisor" : "creditor portal", beyond.Note, StringComparison.Ordinal);
        if (allowed)
        {
            var (decided, _) = await driver.WithAsync(s => s.Settlements.DecideAsync(beyond.Id, approved: false, byCreditor ? "creditor:telco" : "supervisor:sam", default, byCreditor));
            Assert.Equal(SettlementStatus.Rejected, decided.Status);
        }
        else
        {
            // The refused answer changes nothing: the request still waits for the one the policy names.
            await Assert.ThrowsAsync<SettlementDecisionRefusedException>(() => driver.WithAsync(s => s.Settlements.DecideAsync(beyond.Id, approved: true, "x", default, byCreditor)));
            var again = await driver.WithAsync(s => s.Settlements.DecideAsync(beyond.Id, approved: true, "y", default, !byCreditor));
            Assert.Equal(SettlementStatus.Approved, again.Offer.Status);
        }
    }
}
