using Collections.Scripts.Loading;
using Collections.Scripts.Validation;

namespace Collections.Scripts.Tests.Validation;

public sealed class ScriptValidatorTests
{
    private static IReadOnlyList<ScriptProblem> Validate(string yaml)
    {
        var loaded = ScriptLoader.Load(yaml, "s.yaml");
        Assert.Empty(loaded.Problems);
        return ScriptValidator.Validate(loaded.Script!);
    }

    private static void AssertProblem(IReadOnlyList<ScriptProblem> problems, int line, string fragment) =>
        Assert.True(
            problems.Any(p => p.File == "s.yaml" && p.Line == line && p.Error.Contains(fragment, StringComparison.Ordinal)),
            $"expected line {line} '{fragment}', got: {string.Join(" | ", problems.Select(p => $"{p.Line}: {p.Error}"))}");

    [Fact]
    public void Validate_Fixture_HasNoProblems() => Assert.Empty(Validate(Fixtures.ValidYaml));

    [Fact]
    public void Validate_UnknownNodeReference_PointsAtTheNextField()
    {
        var problems = Validate(Fixtures.ValidYaml.Edit("next: disclose", "next: disclosure"));

        AssertProblem(problems, 14, "leads to unknown node 'disclosure'");
        AssertProblem(problems, 18, "node 'disclose' is unreachable");
    }

    [Fact]
    public void Validate_UnreachableNode_PointsAtTheNode()
    {
        var problems = Validate(Fixtures.ValidYaml + "\n  - id: orphan\n    action: end\n    say: { en: \"Bye.\", de: \"Tschüss.\" }");

        var problem = Assert.Single(problems);
        Assert.Equal(24, problem.Line);
        Assert.Contains("node 'orphan' is unreachable", problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DeadEndWithoutEndAction_PointsAtTheNode()
    {
        var problems = Validate(Fixtures.ValidYaml.Edit("    action: end\n", "    # the call just stops\n"));

        var problem = Assert.Single(problems);
        Assert.Equal(21, problem.Line);
        Assert.Contains("dead end", problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingTranslation_PointsAtTheText()
    {
        var problems = Validate(Fixtures.ValidYaml.Edit(", de: \"Offen sind {account.balance}.\"", ""));

        var problem = Assert.Single(problems);
        Assert.Equal(19, problem.Line);
        Assert.Contains("has no 'de' translation", problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingLabelTranslation_PointsAtTheLabel()
    {
        var problems = Validate(Fixtures.ValidYaml.Edit("label: { en: \"Refused\", de: \"Abgelehnt\" }", "label: { en: \"Refused\" }"));

        var problem = Assert.Single(problems);
        Assert.Equal(16, problem.Line);
        Assert.Contains("answer 'greeting/refused' label has no 'de' translation", problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndeclaredLanguage_IsReported()
    {
        var problems = Validate(Fixtures.ValidYaml.Edit("say: { en: \"Goodbye.\",", "say: { fr: \"Au revoir.\", en: \"Goodbye.\","));

        AssertProblem(problems, 23, "has text in 'fr', which is not in the script's languages");
    }

    [Fact]
    public void Validate_UnknownPlaceholder_PointsAtTheText()
    {
        var problems = Validate(Fixtures.ValidYaml.Edit("You owe {account.balance}.", "You owe {account.balanse}."));

        var problem = Assert.Single(problems);
        Assert.Equal(19, problem.Line);
        Assert.Contains("unknown placeholder {account.balanse}", problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnmatchedBrace_IsReported()
    {
        var problems = Validate(Fixtures.ValidYaml.Edit("Goodbye.", "Goodbye {debtor.firstName."));

        AssertProblem(problems, 23, "'{' without '}'");
    }

    [Fact]
    public void Validate_DebtReachableWithoutVerification_IsDisclosureError()
    {
        // The "refused" answer now leads straight to the node that names the balance: FDCPA 1692c(b).
        var problems = Validate(Fixtures.ValidYaml.Edit("    next: bye\n  - id: disclose", "    next: disclose\n  - id: disclose"));

        // One problem per language variant, both on the flow-mapping line 19.
        Assert.Equal(2, problems.Count);
        AssertProblem(problems, 19, "node 'disclose' discloses the debt with {account.balance} (en)");
        AssertProblem(problems, 19, "node 'disclose' discloses the debt with {account.balance} (de)");
        Assert.All(problems, p => Assert.Contains("1692c(b)", p.Error, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DebtInTheGreeting_IsDisclosureError()
    {
        var problems = Validate(Fixtures.ValidYaml.Edit("Hello {debtor.firstName}, please", "Hello {debtor.firstName}, about {creditor.name}, please"));

        AssertProblem(problems, 9, "discloses the debt with {creditor.name} (en)");
    }

    [Fact]
    public void Validate_VerifyNodeWithoutVerifiedAnswer_IsReported()
    {
        var problems = Validate(Fixtures.ValidYaml.Edit("verified: true", "verified: false"));

        AssertProblem(problems, 8, "needs an answer with 'verified: true'");
        AssertProblem(problems, 19, "discloses the debt");
    }

    [Fact]
    public void Validate_VerifiedAnswerOutsideVerifyNode_IsReported()
    {
        var problems = Validate(Fixtures.ValidYaml.Edit("    action: verify-right-party\n", "    # no action\n"));

        AssertProblem(problems, 11, "is marked verified but node 'greeting' is not a verify-right-party node");
    }

    [Fact]
    public void Validate_DuplicateNodeId_PointsAtTheSecond()
    {
        var problems = Validate(Fixtures.ValidYaml + "\n  - id: bye\n    action: end\n    say: { en: \"Bye.\", de: \"Tschüss.\" }");

        var problem = Assert.Single(problems);
        Assert.Equal(24, problem.Line);
        Assert.Contains("duplicate node id 'bye' (first defined on line 21)", problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateAnswerId_IsReported()
    {
        var problems = Validate(Fixtures.ValidYaml.Edit("- id: refused", "- id: confirmed"));

        AssertProblem(problems, 15, "duplicate answer id 'confirmed'");
    }

    [Fact]
    public void Validate_EndNodeWithNext_IsReported()
    {
        var problems = Validate(Fixtures.ValidYaml + "\n    next: greeting");

        AssertProblem(problems, 22, "ends the call but also has answers or next");
    }

    [Fact]
    public void ValidateSet_SameScriptIdInTwoFiles_PointsAtTheSecond()
    {
        var first = Fixtures.Load(Fixtures.ValidYaml, "a.yaml");
        var second = Fixtures.Load(Fixtures.ValidYaml, "b.yaml");

        var problem = Assert.Single(ScriptValidator.ValidateSet([first, second]));

        Assert.Equal(new ScriptProblem("b.yaml", 1, "duplicate script id 'test-script' (also in a.yaml line 1)"), problem);
    }
}
