using Collections.Shared.Domain;

namespace Collections.Shared.Tests.Agents;

/// <summary>The one rule for whether an operator can take a call in a debtor's language (BCP 47, RFC 5646).</summary>
public sealed class LanguageMatchTests
{
    [Theory]
    [InlineData("de", "de", true)]
    [InlineData("de", "de-AT", true)]        // a German speaker takes an Austrian debtor
    [InlineData("de-CH", "de", true)]        // and the other way round: one primary language
    [InlineData("de-CH", "de-AT", true)]
    [InlineData("DE", "de-at", true)]        // RFC 5646 2.1.1: tags compare case-insensitively
    [InlineData(" en ", "en", true)]         // a stray space from a comma-separated list
    [InlineData("de", "hu", false)]
    [InlineData("de", "dsb", false)]         // Lower Sorbian is not German: whole subtags, not prefixes
    [InlineData("sl", "sq", false)]
    [InlineData("en", "", false)]
    public void An_operator_serves_the_same_primary_language(string spoken, string wanted, bool serves) =>
        Assert.Equal(serves, LanguageMatch.Serves(spoken, wanted));

    [Fact]
    public void An_agent_serves_a_debtor_when_any_of_their_languages_does()
    {
        var kovacs = new Agent { Login = "kovacs.eszter", DisplayName = "Kovács Eszter", Languages = "hu, de,en" };
        Assert.True(kovacs.Speaks("de-AT"));
        Assert.True(kovacs.Speaks("HU"));
        Assert.False(kovacs.Speaks("sl"));
    }
}
