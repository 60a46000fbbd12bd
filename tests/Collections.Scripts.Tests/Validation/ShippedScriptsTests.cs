using Collections.Scripts.Model;
using Collections.Scripts.Validation;

namespace Collections.Scripts.Tests.Validation;

/// <summary>The scripts in config/scripts are the product: they must be valid and cover what issue 8 asks for.</summary>
public sealed class ShippedScriptsTests
{
    private static readonly ScriptSetResult Shipped = ScriptSet.Check([RepoPaths.ScriptsDirectory]);

    [Fact]
    public void EveryShippedScript_IsValid() =>
        Assert.True(Shipped.IsValid, string.Join(Environment.NewLine, Shipped.Problems.Select(p => $"{p.File}:{p.Line}: {p.Error}")));

    [Fact]
    public void ShippedScripts_CoverIndustriesDebtorTypesAndStages()
    {
        Assert.True(Shipped.Scripts.Count >= 8);
        foreach (var industry in new[] { Industry.Telecom, Industry.Utilities, Industry.ConsumerCredit, Industry.B2BTradeCredit, Industry.Healthcare })
        {
            Assert.Contains(Shipped.Scripts, s => s.Industry == industry);
        }

        Assert.All(Enum.GetValues<DebtorType>(), t => Assert.Contains(Shipped.Scripts, s => s.DebtorType == t));
        Assert.All(Enum.GetValues<ScriptStage>(), st => Assert.Contains(Shipped.Scripts, s => s.Stage == st));
    }

    [Fact]
    public void ShippedScripts_HaveTheRequiredLanguages()
    {
        Assert.All(Shipped.Scripts, s => Assert.Superset(new HashSet<string>(["en", "de", "hu"]), s.Languages.ToHashSet()));
        var firstContactConsumer = Shipped.Scripts.Where(s => s.Stage == ScriptStage.FirstContact && s.DebtorType == DebtorType.Consumer).ToList();
        Assert.NotEmpty(firstContactConsumer);
        Assert.All(firstContactConsumer, s => Assert.Superset(new HashSet<string>(["sq", "lv", "sl"]), s.Languages.ToHashSet()));
    }

    [Fact]
    public void ShippedScripts_VerifyBeforeAnyDebtAndCanAlwaysEnd()
    {
        foreach (var script in Shipped.Scripts)
        {
            Assert.Contains(script.Nodes, n => n.Action == ScriptActionKind.VerifyRightParty);
            Assert.Contains(script.Nodes, n => n.Action == ScriptActionKind.End);
        }
    }
}
