using System.Text.Json;
using System.Text.RegularExpressions;
using Collections.AgentConsole.Features.I18n;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>Every page text exists in every console language (wwwroot/i18n/*.json), with the same placeholders as English,
/// and every key a page or module asks for exists: a missing translation fails here, not in front of an operator.</summary>
public sealed partial class TranslationTests
{
    private static readonly string WebRoot = Path.Combine(FindRoot(), "src", "AgentConsole", "wwwroot");

    private static readonly Lazy<Dictionary<string, Dictionary<string, string>>> Texts = new(() =>
        Directory.EnumerateFiles(Path.Combine(WebRoot, "i18n"), "*.json").ToDictionary(
            f => Path.GetFileNameWithoutExtension(f),
            f => JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(f))!));

    [Fact]
    public void Every_console_language_has_a_file_and_every_file_is_a_console_language()
    {
        Assert.Equal(ConsoleLanguages.Supported.Order(), Texts.Value.Keys.Order());
    }

    public static TheoryData<string> Languages => [.. ConsoleLanguages.Supported];

    [Theory]
    [MemberData(nameof(Languages))]
    public void A_language_has_every_English_key_no_other_and_no_empty_text(string language)
    {
        var english = Texts.Value[ConsoleLanguages.Default];
        var texts = Texts.Value[language];
        var missing = english.Keys.Except(texts.Keys).Order().ToList();
        var extra = texts.Keys.Except(english.Keys).Order().ToList();
        Assert.True(missing.Count == 0, $"{language}.json lacks: {string.Join(", ", missing)}");
        Assert.True(extra.Count == 0, $"{language}.json has keys English lacks: {string.Join(", ", extra)}");
        var empty = texts.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => p.Key).ToList();
        Assert.True(empty.Count == 0, $"{language}.json has empty texts: {string.Join(", ", empty)}");
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void A_translation_keeps_the_placeholders_of_the_English_text(string language)
    {
        var english = Texts.Value[ConsoleLanguages.Default];
        var wrong = Texts.Value[language]
            .Where(p => english.ContainsKey(p.Key) && !Placeholders(p.Value).SetEquals(Placeholders(english[p.Key])))
            .Select(p => $"{p.Key}: '{p.Value}'")
            .ToList();
        Assert.True(wrong.Count == 0, $"{language}.json placeholders differ from English: {string.Join("; ", wrong)}");
    }

    [Fact]
    public void Every_key_a_page_or_module_names_exists_in_English()
    {
        var english = Texts.Value[ConsoleLanguages.Default];
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(WebRoot, "*.html", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(WebRoot, "js"), "*.js")))
        {
            var text = File.ReadAllText(file);
            used.UnionWith(TextKey().Matches(text).Select(m => m.Groups[1].Value));
            used.UnionWith(AttributeKeys().Matches(text).SelectMany(m => m.Groups[1].Value.Split(';')).Select(p => p.Split(':')[^1].Trim()));
            used.UnionWith(CallKey().Matches(text).Select(m => m.Groups[1].Value));
        }

        Assert.NotEmpty(used);
        var missing = used.Where(k => !english.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, $"en.json lacks keys the pages use: {string.Join(", ", missing)}");
    }

    // Keys built at run time from a server value (t(`industry.${a.industry}`)): one per value the server can send.
    [Fact]
    public void Every_value_the_server_sends_for_a_translated_enum_has_a_key()
    {
        var english = Texts.Value[ConsoleLanguages.Default];
        var expected = Names<DispositionCode>("disposition.")
            .Concat(Names<CasePhase>("casePhase."))
            .Concat(Names<ContactChannel>("history.")).Append("history.Disposition")
            .Concat(Names<ContactOutcome>("outcome."))
            .Concat(Names<PaymentMethod>("paymentMethod."))
            .Concat(Names<Industry>("industry."))
            .Concat(Names<DebtorKind>("debtorKind."))
            .Concat(Names<PromiseStatus>("promiseStatus."))
            .Concat(Names<InstalmentPlanStatus>("planStatus."))
            .Concat(Names<InstalmentFrequency>("frequency."))
            .Concat(Names<DialMode>("mode."))
            .Concat(Names<CampaignStatus>("campaignStatus."))
            .Concat(new[] { "logged-out", "ready", "on-call", "wrap-up", "paused" }.Select(s => "state." + s))
            .Concat(Names<Collections.Shared.Workflow.SettlementStatus>("settle.status."))
            .Concat(Enum.GetNames<OutboundMessageState>().Select(s => "outbox.state." + s.ToLowerInvariant()))
            .Concat(RiskFlags().Select(f => "case.flag." + f))
            .Concat(Enum.GetNames<Collections.Scripts.Model.ScriptActionKind>()
                .Where(a => a is not "VerifyRightParty" and not "End")
                .Select(a => "actionTitle." + Kebab(a)))
            // The case timeline (timeline.js) sends these as kebab codes; its step, queued and contact lines name them.
            .Concat(Enum.GetNames<ContactPurpose>().Select(p => "purpose." + Kebab(p)))
            .Concat(Enum.GetNames<Collections.Shared.Workflow.CaseStepStatus>().Select(p => "stepStatus." + Kebab(p)))
            .Concat(Enum.GetNames<InstalmentStatus>().Select(p => "instalmentStatus." + Kebab(p)))
            .Concat(new[] { "step", "queued", "contact", "promise", "plan", "payment" }.Select(k => "tl.kind." + k))
            // Listen, whisper, barge: the wallboard's buttons and state, the operator's badge (wallboard.js, operator.js).
            .Concat(Names<MonitorMode>("monitor.mode."))
            .Concat(Names<MonitorMode>("op.monitored."))
            .Concat(Enum.GetNames<MonitorMode>().Select(m => "wb." + m.ToLowerInvariant()));
        var missing = expected.Where(k => !english.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, $"en.json lacks: {string.Join(", ", missing)}");
    }

    // The payment importer's issue kinds are string literals (PaymentFileParsers, PaymentImporter): payments.html shows each
    // as t(`pay.kind.${kind}`), so every kind the importer's source writes needs a key.
    [Fact]
    public void Every_kind_of_payment_issue_the_importer_reports_has_a_key()
    {
        var english = Texts.Value[ConsoleLanguages.Default];
        var source = Directory.EnumerateFiles(Path.Combine(FindRoot(), "src", "Shared", "Workflow", "Payments"), "*.cs").Select(File.ReadAllText);
        var kinds = source.SelectMany(text => IssueKind().Matches(text).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string> { "rejected", "unmatched", "duplicate" }, kinds);
        var missing = kinds.Select(k => "pay.kind." + k).Where(k => !english.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, $"en.json lacks: {string.Join(", ", missing)}");
    }

    // The case card translates the interest notes by their English sentence (case-panel.js, interestNotes): a reworded note on
    // the server would quietly show in English again, so the sentences are pinned on both sides.
    [Theory]
    [InlineData("not accrued yet")]
    [InlineData("the creditor does not claim statutory interest")]
    public void An_interest_note_the_case_card_translates_is_one_the_server_writes(string note)
    {
        var server = File.ReadAllText(Path.Combine(FindRoot(), "src", "AgentConsole", "Features", "Calls", "ScreenPopBuilder.cs"));
        var page = File.ReadAllText(Path.Combine(WebRoot, "js", "case-panel.js"));
        Assert.Contains($"\"{note}\"", server, StringComparison.Ordinal);
        Assert.Contains($"'{note}'", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hu", new[] { "en" }, "hu")]
    [InlineData(null, new[] { "hu", "en" }, "hu")]
    [InlineData(null, new[] { "de-AT" }, "de")]
    [InlineData(null, new[] { "ro", "lv" }, "lv")]
    [InlineData(null, new string[0], "en")]
    [InlineData("xx", new[] { "sq" }, "sq")]
    public void The_profile_language_wins_then_the_first_spoken_one_then_English(string? profile, string[] spoken, string expected)
    {
        Assert.Equal(expected, ConsoleLanguages.Resolve(profile, spoken));
    }

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value)];

    private static IEnumerable<string> Names<T>(string prefix)
        where T : struct, Enum => Enum.GetValues<T>().Select(v => prefix + v);

    // The warning signs the case card shows as t(`case.flag.${flag}`): RiskSignals' public constants.
    private static IEnumerable<string> RiskFlags() =>
        typeof(Collections.Shared.Workflow.Risk.RiskSignals).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    private static string Kebab(string pascal) => string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collections.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Collections.sln not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex("""data-i18n="([^"]+)"\s*""")]
    private static partial Regex TextKey();

    [GeneratedRegex("""data-i18n-attr="([^"]+)"\s*""")]
    private static partial Regex AttributeKeys();

    // t('key') and t('key', {...}) with a literal key; keys built from server values are checked per enum above.
    [GeneratedRegex("""\bt\('([a-zA-Z0-9.\-]+)'""")]
    private static partial Regex CallKey();

    // issues.Add(new(line, "rejected", ...)) and new PaymentImportIssue(line, "unmatched", ...).
    [GeneratedRegex("""(?:issues\.Add\(new|new PaymentImportIssue)\([^,()]*(?:\([^()]*\))?[^,()]*,\s*"([a-z-]+)",""")]
    private static partial Regex IssueKind();

    [GeneratedRegex(@"\{\w+\}")]
    private static partial Regex Placeholder();
}
