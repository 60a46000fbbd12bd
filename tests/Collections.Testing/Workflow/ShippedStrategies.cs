using Collections.Shared.Workflow.Strategies;

namespace Collections.Testing.Workflow;

/// <summary>The strategies of <c>config/strategies</c> for tests.</summary>
public static class ShippedStrategies
{
    /// <summary>Every shipped strategy as configured, challengers included.</summary>
    public static IReadOnlyList<Strategy> All() => StrategyLoader.LoadDirectory(RepositoryRoot.Combine("config", "strategies"));

    /// <summary>The shipped strategies without their challengers: every case follows the champion's steps, so a test that walks a
    /// case through its plan does not depend on the arm its random case id is drawn into.</summary>
    public static StrategyCatalog Champions() => new([.. All().Select(s => s with { Challengers = [] })]);
}
