using Collections.Dialer.Campaigns;
using Microsoft.Extensions.Configuration;

namespace Collections.Dialer.Tests.Campaigns;

/// <summary>The <c>campaign run</c> verb's contract for bad input: exit code 2 and a message on stderr, nothing on stdout.</summary>
public sealed class CampaignRunCommandTests
{
    private static IConfiguration Config() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Collections:Compliance:RulePackDirectory"] = Collections.Testing.RepositoryRoot.Combine("config", "compliance"),
    }).Build();

    [Fact]
    public async Task UnknownCampaign_Exit2_ListsTheKnownOnes()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CampaignRunCommand.RunAsync(new CampaignRunArgs("no such campaign", 0.1, 1, DemoDatabase: true, 1, 0), Config(), stdout, stderr, TestContext.Current.CancellationToken);
        Assert.Equal(2, code);
        Assert.Contains("\"Telecom DE - early arrears\"", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
    }

    [Fact]
    public async Task UnknownAmdProfile_Exit2_NamesTheDetectors()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var args = new CampaignRunArgs("Telecom DE - early arrears", 0.1, 1, DemoDatabase: true, 1, 0, AmdDetector: "neural");
        var code = await CampaignRunCommand.RunAsync(args, Config(), stdout, stderr, TestContext.Current.CancellationToken);
        Assert.Equal(2, code);
        Assert.Contains("--amd-profile must be one of: learned, ", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public async Task MinutesOrAgentsOutOfRange_Exit2(double minutes, int agents)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CampaignRunCommand.RunAsync(new CampaignRunArgs("x", minutes, agents, DemoDatabase: true, 1, 0), Config(), stdout, stderr, TestContext.Current.CancellationToken);
        Assert.Equal(2, code);
        Assert.Contains("--minutes", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
    }
}
