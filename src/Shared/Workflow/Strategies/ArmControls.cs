using System.Globalization;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Collections.Shared.Workflow.Strategies;

/// <summary>What a supervisor did to an arm of a champion/challenger test.</summary>
public enum ArmAction
{
    /// <summary>The arm takes no new cases; its share goes to the champion. Cases already in it carry on with its plan.</summary>
    Stop,

    /// <summary>A stopped arm takes its configured share of new cases again.</summary>
    Start,

    /// <summary>The arm takes every new case from now on: the test is decided. Cases already in other arms keep their plans.</summary>
    Promote,
}

/// <summary>
/// One supervisor's change to an arm (table <c>strategy_arm_changes</c>, append-only): the arms' state of a test is the fold of
/// its changes in order, and the same rows are the test's history (who stopped what, when, and why).
/// </summary>
public sealed class StrategyArmChange
{
    public long Id { get; set; }

    /// <summary>The strategy's id.</summary>
    public required string StrategyId { get; set; }

    /// <summary>The strategy's arm seed when the change was made: a new seed is a new test, which starts with every arm running.</summary>
    public required string ArmSeed { get; set; }

    public required string Arm { get; set; }

    public ArmAction Action { get; set; }

    public Instant At { get; set; }

    /// <summary>The supervisor's login.</summary>
    public required string By { get; set; }

    public string? Note { get; set; }
}

internal sealed class StrategyArmChangeConfiguration : IEntityTypeConfiguration<StrategyArmChange>
{
    public void Configure(EntityTypeBuilder<StrategyArmChange> builder)
    {
        builder.ToTable("strategy_arm_changes");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => new { c.StrategyId, c.ArmSeed, c.Id });
        builder.Property(c => c.StrategyId).HasMaxLength(100);
        builder.Property(c => c.ArmSeed).HasMaxLength(100);
        builder.Property(c => c.Arm).HasMaxLength(100);
        builder.Property(c => c.By).HasMaxLength(200);
        builder.Property(c => c.Note).HasMaxLength(500);
    }
}

/// <summary>An arm as new cases are drawn into it now.</summary>
/// <param name="Id">Arm id.</param>
/// <param name="ConfiguredShare">The share the strategy's YAML gives it.</param>
/// <param name="EffectiveShare">The share of new cases it takes now, after stops and a promotion.</param>
/// <param name="Status">"running", "stopped" or "promoted" (a promoted test's other arms are "ended").</param>
/// <param name="Since">The change that set the status, or null while it runs as configured.</param>
public sealed record ArmState(string Id, decimal ConfiguredShare, decimal EffectiveShare, string Status, StrategyArmChange? Since);

/// <summary>A supervisor's change that the test's state does not allow, with why.</summary>
public sealed class ArmControlException(string message) : Exception(message);

/// <summary>
/// The supervisors' control of champion/challenger tests (issue 20, item 2): stopping an arm gives its share of new cases to
/// the champion (the other challengers keep theirs, so their comparison with the champion is unchanged); starting it again
/// restores its share; promoting an arm sends every new case to it and ends the test. The assignment stays a hash of the seed,
/// the strategy and the case (<see cref="ArmAssignment"/>), placed on the effective shares, and a case's arm is never changed
/// afterwards: a change affects only cases opened after it.
/// </summary>
public sealed class ArmControls
{
    private readonly ILookup<(string Strategy, string Seed), StrategyArmChange> _changes;

    private ArmControls(IEnumerable<StrategyArmChange> changes) =>
        _changes = changes.OrderBy(c => c.Id).ToLookup(c => (c.StrategyId, c.ArmSeed));

    /// <summary>No change made: every arm takes its configured share.</summary>
    public static ArmControls None { get; } = new([]);

    /// <summary>The state of every test from <paramref name="changes"/> (in id order).</summary>
    public static ArmControls From(IEnumerable<StrategyArmChange> changes) => new(changes);

    /// <summary>Reads every change: a handful of rows per test, read once per case opened or import.</summary>
    public static async Task<ArmControls> LoadAsync(CollectionsDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return new(await db.StrategyArmChanges.AsNoTracking().ToListAsync(ct));
    }

    /// <summary>The changes made to the current test of <paramref name="strategy"/>, oldest first.</summary>
    public IReadOnlyList<StrategyArmChange> History(Strategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return [.. _changes[(strategy.Id, strategy.ArmSeed)]];
    }

    /// <summary>The arms of <paramref name="strategy"/> as new cases are drawn into them now, the champion first.</summary>
    public IReadOnlyList<ArmState> States(Strategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var last = new Dictionary<string, StrategyArmChange>(StringComparer.Ordinal);
        StrategyArmChange? promoted = null;
        foreach (var change in History(strategy).Where(c => strategy.Arms.Any(a => a.Id == c.Arm)))
        {
            last[change.Arm] = change;
            promoted ??= change.Action == ArmAction.Promote ? change : null;
        }

        if (promoted is not null)
        {
            return [.. strategy.Arms.Select(a => a.Id == promoted.Arm
                ? new ArmState(a.Id, a.SharePercent, 100m, "promoted", promoted)
                : new ArmState(a.Id, a.SharePercent, 0m, "ended", promoted))];
        }

        var stopped = strategy.Challengers.Where(c => last.GetValueOrDefault(c.Id)?.Action == ArmAction.Stop).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var freed = strategy.Challengers.Where(c => stopped.Contains(c.Id)).Sum(c => c.SharePercent);
        return [.. strategy.Arms.Select(a => stopped.Contains(a.Id)
            ? new ArmState(a.Id, a.SharePercent, 0m, "stopped", last[a.Id])
            : new ArmState(a.Id, a.SharePercent, a.Id == Strategy.Champion ? a.SharePercent + freed : a.SharePercent, "running", last.GetValueOrDefault(a.Id)))];
    }

    /// <summary>The arms of <paramref name="strategy"/> with their effective shares, for <see cref="ArmAssignment"/>.</summary>
    public IReadOnlyList<StrategyArm> EffectiveArms(Strategy strategy)
    {
        var states = States(strategy);
        return [.. strategy.Arms.Select((a, i) => a with { SharePercent = states[i].EffectiveShare })];
    }

    /// <summary>
    /// Checks <paramref name="action"/> on <paramref name="arm"/> of <paramref name="strategy"/> against the test's state and
    /// returns the change to append; throws <see cref="ArmControlException"/> naming what is wrong.
    /// </summary>
    public StrategyArmChange Change(Strategy strategy, string arm, ArmAction action, string by, string? note, Instant at)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (strategy.Challengers.Count == 0)
        {
            throw new ArmControlException($"Strategy {strategy.Id} has no challengers: there is no test to control.");
        }

        var states = States(strategy);
        var state = states.FirstOrDefault(s => s.Id == arm)
            ?? throw new ArmControlException($"Strategy {strategy.Id} has no arm '{arm}' (arms: {string.Join(", ", states.Select(s => s.Id))}).");
        if (states.FirstOrDefault(s => s.Status == "promoted") is { } decided)
        {
            throw new ArmControlException(string.Create(CultureInfo.InvariantCulture,
                $"The test of {strategy.Id} ended when {decided.Id} was promoted on {decided.Since!.At} by {decided.Since.By}; a new test needs a new arm-seed in {Path.GetFileName(strategy.File)}."));
        }

        switch (action)
        {
            case ArmAction.Stop when arm == Strategy.Champion:
                throw new ArmControlException("The champion takes the share of stopped arms and cannot be stopped; promote a challenger instead.");
            case ArmAction.Stop when state.Status == "stopped":
                throw new ArmControlException($"Arm {arm} of {strategy.Id} is already stopped.");
            case ArmAction.Start when state.Status == "running":
                throw new ArmControlException($"Arm {arm} of {strategy.Id} is already running.");
        }

        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (trimmed is { Length: > 500 })
        {
            throw new ArmControlException("note: at most 500 characters.");
        }

        if (action == ArmAction.Promote && trimmed is null)
        {
            throw new ArmControlException($"note: promoting {arm} ends the test of {strategy.Id} for good; say why (the verdict, the date of the figures).");
        }

        return new StrategyArmChange { StrategyId = strategy.Id, ArmSeed = strategy.ArmSeed, Arm = arm, Action = action, At = at, By = by, Note = trimmed };
    }
}
