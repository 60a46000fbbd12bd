using Collections.Scripts.Loading;
using Collections.Scripts.Model;

namespace Collections.Scripts.Tests;

/// <summary>A small valid script whose line numbers the tests rely on (line 1 is "id: test-script").</summary>
internal static class Fixtures
{
    public const string ValidYaml = """
        id: test-script
        industry: telecom
        debtorType: consumer
        stage: first-contact
        languages: [en, de]
        nodes:
          - id: greeting
            action: verify-right-party
            say: { en: "Hello {debtor.firstName}, please confirm your date of birth.", de: "Hallo {debtor.firstName}, bitte bestätigen Sie Ihr Geburtsdatum." }
            answers:
              - id: confirmed
                verified: true
                label: { en: "Confirmed", de: "Bestätigt" }
                next: disclose
              - id: refused
                label: { en: "Refused", de: "Abgelehnt" }
                next: bye
          - id: disclose
            say: { en: "You owe {account.balance}.", de: "Offen sind {account.balance}." }
            next: bye
          - id: bye
            action: end
            say: { en: "Goodbye.", de: "Auf Wiederhören." }
        """;

    public static Script Load(string yaml, string file = "test.yaml")
    {
        var result = ScriptLoader.Load(yaml, file);
        Assert.Empty(result.Problems);
        return Assert.IsType<Script>(result.Script);
    }

    /// <summary>Replaces exactly one occurrence of <paramref name="from"/>, so a typo in a test fails loudly.</summary>
    public static string Edit(this string yaml, string from, string to)
    {
        var at = yaml.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, $"fixture has no '{from}'");
        Assert.Equal(at, yaml.LastIndexOf(from, StringComparison.Ordinal));
        return string.Concat(yaml.AsSpan(0, at), to, yaml.AsSpan(at + from.Length));
    }
}
