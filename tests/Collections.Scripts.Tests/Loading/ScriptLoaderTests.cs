using Collections.Scripts.Loading;
using Collections.Scripts.Model;

namespace Collections.Scripts.Tests.Loading;

public sealed class ScriptLoaderTests
{
    [Fact]
    public void Load_ValidScript_ReadsFieldsAndLineNumbers()
    {
        var script = Fixtures.Load(Fixtures.ValidYaml);

        Assert.Equal("test-script", script.Id);
        Assert.Equal(Industry.Telecom, script.Industry);
        Assert.Equal(DebtorType.Consumer, script.DebtorType);
        Assert.Equal(ScriptStage.FirstContact, script.Stage);
        Assert.Equal(["en", "de"], script.Languages);
        Assert.Equal("greeting", script.Start.NodeId);
        Assert.Equal(["greeting", "disclose", "bye"], script.Nodes.Select(n => n.Id));
        Assert.Equal([7, 18, 21], script.Nodes.Select(n => n.Line));

        var greeting = script.Nodes[0];
        Assert.Equal(ScriptActionKind.VerifyRightParty, greeting.Action);
        Assert.Equal(8, greeting.ActionLine);
        Assert.Equal(9, greeting.Say.Variants["de"].Line);
        Assert.Equal([11, 15], greeting.Answers.Select(a => a.Line));
        Assert.True(greeting.Answers[0].Verifies);
        Assert.False(greeting.Answers[1].Verifies);
        Assert.Equal(new NodeReference("bye", 17), greeting.Answers[1].Next);
        Assert.Equal(new NodeReference("bye", 20), script.Nodes[1].Next);
        Assert.Equal(ScriptActionKind.End, script.Nodes[2].Action);
    }

    [Fact]
    public void Load_UnclosedQuote_ReportsYamlErrorWithLine()
    {
        var yaml = Fixtures.ValidYaml.Edit("label: { en: \"Refused\",", "label: { en: \"Refused,");

        var result = ScriptLoader.Load(yaml, "broken.yaml");

        Assert.Null(result.Script);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("broken.yaml", problem.File);
        Assert.Equal(16, problem.Line);
        Assert.StartsWith("invalid YAML", problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CommentThatSwallowsAClosingBrace_IsAProblemNotAnException()
    {
        // Found by afl-fuzz (tests/corpus/fuzz/regressions/script-yaml): YamlDotNet threw InvalidOperationException, which
        // escaped the loader and stopped the host instead of naming the file and line.
        var yaml = "id: x\nlabel: { en: \"Speaking\", sl: #Pri telefonu }\nnext: verify\n";

        var result = ScriptLoader.Load(yaml, "broken.yaml");

        Assert.Null(result.Script);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("broken.yaml", 2), (problem.File, problem.Line));
        Assert.StartsWith("invalid YAML", problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NulCharacter_IsAProblemAtItsLineNotAnException()
    {
        // Found by afl-fuzz (tests/corpus/fuzz/regressions/script-yaml): YamlDotNet read NUL as the end of the stream and threw
        // ArgumentException from the middle of a mapping.
        var result = ScriptLoader.Load("id: x\n\0: 0\n", "binary.yaml");

        Assert.Null(result.Script);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("binary.yaml", 2), (problem.File, problem.Line));
        Assert.StartsWith("invalid YAML: the file contains a NUL character", problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadIndentation_ReportsYamlErrorAtThatLine()
    {
        var yaml = Fixtures.ValidYaml.Edit("    next: bye\n  - id: bye", "    next: bye\n - id: bye");

        var result = ScriptLoader.Load(yaml, "broken.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(21, problem.Line);
        Assert.StartsWith("invalid YAML", problem.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownFieldAndAction_ReportedAtTheirLines()
    {
        var yaml = Fixtures.ValidYaml
            .Edit("    next: bye\n  - id: bye", "    colour: blue\n  - id: bye")
            .Edit("action: end", "action: hang-up");

        var result = ScriptLoader.Load(yaml, "x.yaml");

        Assert.Contains(result.Problems, p => p.Line == 20 && p.Error.Contains("unknown node field 'colour'", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Line == 22 && p.Error.Contains("unknown action 'hang-up'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnknownIndustryAndMissingLanguages_ReportedWithLines()
    {
        var yaml = Fixtures.ValidYaml.Edit("industry: telecom", "industry: mining").Edit("languages: [en, de]\n", "");

        var result = ScriptLoader.Load(yaml, "x.yaml");

        Assert.Null(result.Script);
        Assert.Contains(result.Problems, p => p.Line == 2 && p.Error.StartsWith("unknown industry 'mining'", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Line == 1 && p.Error == "script has no 'languages' field");
    }

    [Fact]
    public void Load_TwoDocuments_IsRefused()
    {
        var result = ScriptLoader.Load(Fixtures.ValidYaml + "\n---\n" + Fixtures.ValidYaml, "x.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Contains("one script per file", problem.Error, StringComparison.Ordinal);
    }
}
