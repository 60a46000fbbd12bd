using Collections.AgentConsole.Features.Demo;
using Collections.Shared.Demo;
using Collections.Shared.Domain;
using NodaTime;

namespace Collections.AgentConsole.Tests.Demo;

/// <summary>The simulated demo operators speak every demo debtor's language, so every demo campaign has someone to put its
/// calls through to (before, the last three by login spoke no German, Latvian or Albanian and "Telecom DE" never dialed).</summary>
public sealed class DemoOperatorChoiceTests
{
    private static readonly Instant Morning = Instant.FromUtc(2026, 10, 21, 8, 0);

    [Fact]
    public void The_default_simulated_operators_speak_every_demo_debtors_language()
    {
        var data = DemoDataGenerator.Generate(Morning);
        var languages = data.Debtors.Select(d => d.PreferredLanguage).ToList();

        var chosen = DemoOperatorChoice.Pick(data.Agents.Where(a => a.Active), languages, new DemoCallOptions().SimulatedOperators);

        Assert.Equal(new DemoCallOptions().SimulatedOperators, chosen.Count);
        Assert.All(languages.Distinct(), l => Assert.Contains(chosen, a => a.Speaks(l)));
        Assert.All(chosen, a => Assert.True(a.Active));
    }

    [Fact]
    public void The_most_spoken_languages_come_first_and_the_count_is_filled_by_login()
    {
        Agent Operator(string login, string languages) => new() { Login = login, DisplayName = login, Languages = languages, Active = true };
        var english = Operator("a.english", "en");
        var german = Operator("b.german", "de,en");
        var latvian = Operator("c.latvian", "lv");
        var other = Operator("z.other", "it");
        string[] debtors = ["de", "de", "de", "en", "lv", "lv"];

        Assert.Equal([german], DemoOperatorChoice.Pick([english, german, latvian, other], debtors, 1));
        Assert.Equal([german, latvian], DemoOperatorChoice.Pick([english, german, latvian, other], debtors, 2));
        // Everyone's language spoken: the rest by login, last first.
        Assert.Equal([german, latvian, other, english], DemoOperatorChoice.Pick([english, german, latvian, other], debtors, 4));
        Assert.Empty(DemoOperatorChoice.Pick([english, german], debtors, 0));
    }
}
