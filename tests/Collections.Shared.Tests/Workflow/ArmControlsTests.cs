using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

/// <summary>Supervisors stop, start and promote champion/challenger arms (issue 20, item 2): new cases obey at once, cases
/// already drawn keep their arm, and a change the test's state does not allow is refused with why.</summary>
public sealed class ArmControlsTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 12, 4, 10, 0);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StrategyArm Arm(string id, decimal share) => new(id, share, [ShippedStrategies.All()[0].Steps[0]]);

    // Champion 50 %, b 30 %, c 20 %.
    private static Strategy ThreeArms => ShippedStrategies.All().Single(s => s.Id == "consumer-standard") with { Challengers = [Arm("b", 30m), Arm("c", 20m)] };

    private static List<CaseId> CaseIds(int count) => ArmTests.CaseIds(count, seed: 5);

    private static ArmControls After(Strategy strategy, params (string Arm, ArmAction Action, string? Note)[] changes)
    {
        var controls = ArmControls.None;
        var made = new List<StrategyArmChange>();
        foreach (var (arm, action, note) in changes)
        {
            var change = controls.Change(strategy, arm, action, "supervisor", note, At);
            change.Id = made.Count + 1;
            made.Add(change);
            controls = ArmControls.From(made);
        }

        return controls;
    }

    private static Dictionary<string, int> Draw(Strategy strategy, ArmControls controls, List<CaseId> ids) =>
        ids.GroupBy(id => ArmAssignment.Assign(strategy, id, controls)).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void A_stopped_arm_takes_no_new_case_and_its_share_goes_to_the_champion_the_others_keep_theirs()
    {
        var strategy = ThreeArms;
        var controls = After(strategy, ("b", ArmAction.Stop, "too expensive"));

        Assert.Equal([("champion", 80m, "running"), ("b", 0m, "stopped"), ("c", 20m, "running")],
            controls.States(strategy).Select(s => (s.Id, s.EffectiveShare, s.Status)));
        var ids = CaseIds(20_000);
        var counts = Draw(strategy, controls, ids);
        Assert.False(counts.ContainsKey("b"));
        // Binomial(20000, 0.2): sd 57 cases (0.28 %).
        Assert.InRange(counts["c"] / 20_000.0, 0.19, 0.21);
        // c is the last arm: its cases are exactly those it had before the stop, so its comparison is undisturbed.
        Assert.All(ids, id => Assert.Equal(ArmAssignment.Assign(strategy, id) == "c", ArmAssignment.Assign(strategy, id, controls) == "c"));

        // Started again: the configured shares and the very same draw as before the stop.
        var restarted = After(strategy, ("b", ArmAction.Stop, null), ("b", ArmAction.Start, null));
        Assert.All(ids.Take(2_000), id => Assert.Equal(ArmAssignment.Assign(strategy, id), ArmAssignment.Assign(strategy, id, restarted)));
    }

    [Fact]
    public void A_promoted_arm_takes_every_new_case_and_the_test_is_over()
    {
        var strategy = ThreeArms;
        var controls = After(strategy, ("c", ArmAction.Stop, null), ("b", ArmAction.Promote, "significant on 4 Dec"));

        Assert.Equal([("champion", 0m, "ended"), ("b", 100m, "promoted"), ("c", 0m, "ended")],
            controls.States(strategy).Select(s => (s.Id, s.EffectiveShare, s.Status)));
        Assert.Equal(new Dictionary<string, int> { ["b"] = 1_000 }, Draw(strategy, controls, CaseIds(1_000)));
        var refused = Assert.Throws<ArmControlException>(() => controls.Change(strategy, "c", ArmAction.Start, "supervisor", null, At));
        Assert.Contains("ended when b was promoted", refused.Message, StringComparison.Ordinal);
        Assert.Contains("arm-seed", refused.Message, StringComparison.Ordinal);

        // A new seed is a new test: the promotion belonged to the old one.
        var reseeded = strategy with { ArmSeed = "second-test" };
        Assert.All(controls.States(reseeded), s => Assert.Equal("running", s.Status));
    }

    [Theory]
    [InlineData("champion", ArmAction.Stop, null, "cannot be stopped")]
    [InlineData("z", ArmAction.Stop, null, "no arm 'z' (arms: champion, b, c)")]
    [InlineData("b", ArmAction.Start, null, "already running")]
    [InlineData("b", ArmAction.Promote, null, "note: promoting b ends the test")]
    [InlineData("b", ArmAction.Promote, "  ", "say why")]
    public void A_change_the_test_does_not_allow_is_refused_with_why(string arm, ArmAction action, string? note, string expected)
    {
        var refused = Assert.Throws<ArmControlException>(() => ArmControls.None.Change(ThreeArms, arm, action, "supervisor", note, At));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stopping_twice_or_a_strategy_without_challengers_is_refused()
    {
        var strategy = ThreeArms;
        var stopped = After(strategy, ("b", ArmAction.Stop, null));
        Assert.Contains("already stopped", Assert.Throws<ArmControlException>(() => stopped.Change(strategy, "b", ArmAction.Stop, "s", null, At)).Message, StringComparison.Ordinal);
        Assert.Contains("no challengers", Assert.Throws<ArmControlException>(() =>
            ArmControls.None.Change(strategy with { Challengers = [] }, "champion", ArmAction.Promote, "s", "x", At)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_workflow_opens_new_cases_in_the_arms_left_running_and_never_moves_a_case_already_drawn()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var driver = new WorkDriver(db, clock, strategies: new StrategyCatalog(ShippedStrategies.All()));
        var consumer = ShippedStrategies.All().Single(s => s.Id == "consumer-standard");

        async Task<List<AccountId>> OpenAsync(int from, int count)
        {
            var opened = new List<AccountId>();
            for (var i = from; i < from + count; i++)
            {
                var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14), reference: $"ARM-{i:000}");
                await driver.WithAsync(s => s.Cases.OpenAsync(account.Id));
                opened.Add(account.Id);
            }

            return opened;
        }

        var before = await OpenAsync(0, 16);
        Dictionary<AccountId, string?> armsBefore;
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            armsBefore = await context.Cases.ToDictionaryAsync(c => c.AccountId, c => c.Arm, Ct);
            context.StrategyArmChanges.Add(ArmControls.None.Change(consumer, "early-call", ArmAction.Stop, "supervisor", "test", Instant.FromDateTimeOffset(clock.GetUtcNow())));
            await context.SaveChangesAsync(Ct);
        }

        var after = await OpenAsync(16, 16);
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            var cases = await context.Cases.ToDictionaryAsync(c => c.AccountId, Ct);
            // Each of the 16 new cases would have had a 30 % chance of early-call; with the arm stopped none has it.
            Assert.All(after, id => Assert.Equal("champion", cases[id].Arm));
            Assert.All(after, id => Assert.Contains("arm champion (100% of new cases)", cases[id].StrategyReason, StringComparison.Ordinal));
            Assert.All(before, id => Assert.Equal(armsBefore[id], cases[id].Arm));
            Assert.All(before, id => Assert.Equal(ArmAssignment.Assign(consumer, cases[id].Id), cases[id].Arm));
        }
    }
}
