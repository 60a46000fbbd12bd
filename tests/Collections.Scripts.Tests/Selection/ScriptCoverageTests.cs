using Collections.Scripts.Model;
using Collections.Scripts.Selection;

namespace Collections.Scripts.Tests.Selection;

/// <summary>No connected call pops without a script: the shipped catalog serves every combination in the debtor's language
/// and for their debtor type, and the report marks any combination that would fall to another language or type.</summary>
public sealed class ScriptCoverageTests
{
    [Fact]
    public void The_shipped_catalog_covers_every_stage_debtor_type_industry_and_operator_language()
    {
        var rows = ScriptCoverage.Report(ScriptCatalog.Load(RepoPaths.ScriptsDirectory));

        Assert.Equal(Enum.GetValues<Industry>().Length * 2 * Enum.GetValues<ScriptStage>().Length * ScriptCoverage.Languages.Count, rows.Count);
        var gaps = rows.Where(r => !r.Covered).Select(r => $"{r.Industry}/{r.DebtorType}/{r.Stage}/{r.Language}").ToList();
        Assert.True(gaps.Count == 0, "no script for: " + string.Join(", ", gaps));
        Assert.All(rows, r => Assert.Equal(r.DebtorType, r.Script!.DebtorType));
        Assert.All(rows, r => Assert.Contains(r.Language, r.Script!.Languages));
        Assert.All(rows, r => Assert.Equal(r.Stage, r.Script!.Stage));
    }

    [Theory]
    [InlineData(ScriptStage.Reminder)]
    [InlineData(ScriptStage.MissedInstalment)]
    [InlineData(ScriptStage.Settlement)]
    public void The_new_stages_have_generic_scripts_in_all_six_languages_for_both_debtor_types(ScriptStage stage)
    {
        var catalog = ScriptCatalog.Load(RepoPaths.ScriptsDirectory);
        foreach (var type in Enum.GetValues<DebtorType>())
        {
            var script = catalog.Scripts.Single(s => s.Industry == Industry.Generic && s.DebtorType == type && s.Stage == stage);
            Assert.Equal(ScriptCoverage.Languages.Order(), script.Languages.Order());
        }
    }

    [Fact]
    public void A_script_only_for_the_other_debtor_type_or_in_another_language_leaves_a_gap()
    {
        var consumerEnglish = Fixtures.Load("""
            id: generic-consumer-fc
            industry: generic
            debtorType: consumer
            stage: first-contact
            languages: [en]
            nodes:
              - id: bye
                action: end
                say: { en: "Goodbye." }
            """);
        var rows = ScriptCoverage.Report(new ScriptCatalog([consumerEnglish]), ["en", "lv"]);
        CoverageRow Row(Industry i, DebtorType t, string l) => rows.Single(r => r.Industry == i && r.DebtorType == t && r.Stage == ScriptStage.FirstContact && r.Language == l);

        Assert.Equal(ScriptMatch.GenericIndustry, Row(Industry.Rental, DebtorType.Consumer, "en").Match);
        Assert.False(Row(Industry.Rental, DebtorType.Business, "en").Covered);   // selection would read it a consumer script
        Assert.False(Row(Industry.Rental, DebtorType.Consumer, "lv").Covered);   // selection would fall back to English
        Assert.DoesNotContain(rows, r => r.Stage != ScriptStage.FirstContact && r.Covered);
    }

    [Theory]
    [InlineData("reminder", ScriptStage.Reminder)]
    [InlineData("missed-instalment", ScriptStage.MissedInstalment)]
    [InlineData("settlement", ScriptStage.Settlement)]
    public void The_new_stages_are_spelled_in_kebab_case(string name, ScriptStage stage)
    {
        Assert.True(ScriptVocabulary.TryParseStage(name, out var parsed));
        Assert.Equal(stage, parsed);
        Assert.Equal(name, ScriptVocabulary.Name(stage));
    }
}
