using Collections.Scripts.Model;
using Collections.Scripts.Selection;

namespace Collections.Scripts.Tests.Selection;

public sealed class ScriptCatalogTests
{
    private static Script Make(string id, string industry, string debtorType, string stage, string languages)
    {
        var langs = languages.Split(',');
        var say = "{ " + string.Join(", ", langs.Select(l => $"{l}: \"Hi\"")) + " }";
        var yaml = $"""
            id: {id}
            industry: {industry}
            debtorType: {debtorType}
            stage: {stage}
            languages: [{languages}]
            nodes:
              - id: only
                action: end
                say: {say}
            """;
        return Fixtures.Load(yaml);
    }

    private static readonly ScriptCatalog Catalog = new(
    [
        Make("telecom-consumer-fc", "telecom", "consumer", "first-contact", "en,de"),
        Make("telecom-business-fc", "telecom", "business", "first-contact", "en,hu"),
        Make("generic-consumer-fc", "generic", "consumer", "first-contact", "en,de,hu,sq"),
        Make("generic-business-bp", "generic", "business", "broken-promise", "en,lv"),
        Make("utilities-consumer-inbound", "utilities", "consumer", "inbound", "de"),
    ]);

    private static ScriptSelection Select(Industry industry, DebtorType type, ScriptStage stage, string language, string? requested = null) =>
        Assert.IsType<ScriptSelection>(Catalog.Select(new ScriptRequest(industry, type, stage, language, requested)));

    [Fact]
    public void Select_ExactMatchInDebtorLanguage()
    {
        var s = Select(Industry.Telecom, DebtorType.Consumer, ScriptStage.FirstContact, "de");

        Assert.Equal(("telecom-consumer-fc", "de", ScriptMatch.Exact, false), (s.Script.Id, s.Language, s.Match, s.LanguageFellBack));
    }

    [Fact]
    public void Select_CultureNameFallsBackToItsLanguage()
    {
        var s = Select(Industry.Telecom, DebtorType.Consumer, ScriptStage.FirstContact, "de-AT");

        Assert.Equal(("telecom-consumer-fc", "de", false), (s.Script.Id, s.Language, s.LanguageFellBack));
    }

    [Fact]
    public void Select_GenericForTheSameDebtorType_BeatsTheIndustrysScriptForTheOtherType()
    {
        var s = Select(Industry.Telecom, DebtorType.Consumer, ScriptStage.FirstContact, "hu");

        // The telecom consumer script has no Hungarian; the generic consumer one does, before the telecom business one
        // (industry, then generic, for the debtor's own type: a consumer is never read a business script while one exists).
        Assert.Equal(("generic-consumer-fc", "hu", ScriptMatch.GenericIndustry), (s.Script.Id, s.Language, s.Match));
    }

    [Fact]
    public void Select_SameIndustryOtherDebtorType_WhenNoGenericServesTheType()
    {
        var s = Select(Industry.Telecom, DebtorType.Business, ScriptStage.FirstContact, "de");

        // No business script in German at all: the telecom consumer one, before the generic consumer one.
        Assert.Equal(("telecom-consumer-fc", "de", ScriptMatch.SameIndustryOtherDebtorType), (s.Script.Id, s.Language, s.Match));
    }

    [Fact]
    public void Select_GenericIndustryWhenTheIndustryHasNone()
    {
        var s = Select(Industry.Healthcare, DebtorType.Consumer, ScriptStage.FirstContact, "sq");

        Assert.Equal(("generic-consumer-fc", "sq", ScriptMatch.GenericIndustry), (s.Script.Id, s.Language, s.Match));
    }

    [Fact]
    public void Select_GenericOtherDebtorTypeIsTheLastTier()
    {
        var s = Select(Industry.Healthcare, DebtorType.Consumer, ScriptStage.BrokenPromise, "lv");

        Assert.Equal(("generic-business-bp", "lv", ScriptMatch.GenericIndustryOtherDebtorType), (s.Script.Id, s.Language, s.Match));
    }

    [Fact]
    public void Select_DebtorLanguageBeatsAMoreSpecificScriptInEnglish()
    {
        var s = Select(Industry.Telecom, DebtorType.Consumer, ScriptStage.FirstContact, "sq");

        Assert.Equal(("generic-consumer-fc", "sq"), (s.Script.Id, s.Language));
    }

    [Fact]
    public void Select_RequestedLanguageFirst_ThenDebtorLanguage_ThenEnglish()
    {
        var requested = Select(Industry.Telecom, DebtorType.Consumer, ScriptStage.FirstContact, "de", requested: "hu");
        Assert.Equal(("generic-consumer-fc", "hu", false), (requested.Script.Id, requested.Language, requested.LanguageFellBack));

        var debtors = Select(Industry.Telecom, DebtorType.Consumer, ScriptStage.FirstContact, "de", requested: "fi");
        Assert.Equal(("telecom-consumer-fc", "de", true), (debtors.Script.Id, debtors.Language, debtors.LanguageFellBack));

        var english = Select(Industry.Telecom, DebtorType.Consumer, ScriptStage.FirstContact, "fi");
        Assert.Equal(("telecom-consumer-fc", "en", ScriptMatch.Exact, true), (english.Script.Id, english.Language, english.Match, english.LanguageFellBack));
    }

    [Fact]
    public void Select_StageIsNeverRelaxed()
    {
        Assert.Null(Catalog.Select(new ScriptRequest(Industry.Telecom, DebtorType.Consumer, ScriptStage.PreInstalmentReminder, "en")));
    }

    [Fact]
    public void Select_NoScriptInAnyCandidateLanguage_ReturnsNull()
    {
        // The only inbound script is German; a Latvian debtor falls back to English, which it lacks.
        Assert.Null(Catalog.Select(new ScriptRequest(Industry.Utilities, DebtorType.Consumer, ScriptStage.Inbound, "lv")));
    }

    [Fact]
    public void CandidateLanguages_AreInDocumentedOrder()
    {
        Assert.Equal(["sl-si", "sl", "de-at", "de", "en"], ScriptCatalog.CandidateLanguages(new ScriptRequest(Industry.Generic, DebtorType.Consumer, ScriptStage.Inbound, "de-AT", "sl-SI")));
    }

    [Fact]
    public void Load_ShippedScripts_SelectsTheTelecomScriptInAlbanian()
    {
        var catalog = ScriptCatalog.Load(RepoPaths.ScriptsDirectory);

        var s = catalog.Select(new ScriptRequest(Industry.Telecom, DebtorType.Consumer, ScriptStage.FirstContact, "sq"));

        Assert.Equal(("telecom-consumer-first-contact", "sq", ScriptMatch.Exact), (s?.Script.Id, s?.Language, s?.Match));
    }
}
