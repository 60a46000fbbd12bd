using Collections.Dialer.Calls;
using Collections.Dialer.Cli;

namespace Collections.Dialer.Tests.Calls;

public sealed class DialCommandTests
{
    [Theory]
    [InlineData("http://example.com")]
    [InlineData("sip:debtor@127.0.0.1:99999")]
    public async Task BadUri_ExitsWith2(string uri) =>
        Assert.Equal(CliOutput.BadInput, await CliApp.RunAsync(["dial", uri], [DialCommand.Create()], TestContext.Current.CancellationToken));

    [Fact]
    public async Task UnknownTrunk_ExitsWith2() =>
        Assert.Equal(CliOutput.BadInput, await CliApp.RunAsync(["dial", "sip:1@127.0.0.1", "--trunk", "nowhere-configured"], [DialCommand.Create()], TestContext.Current.CancellationToken));

    [Fact]
    public async Task MissingPlayFile_ExitsWith2() =>
        Assert.Equal(CliOutput.BadInput, await CliApp.RunAsync(["dial", "sip:1@127.0.0.1", "--play", "/nonexistent/prompt.wav"], [DialCommand.Create()], TestContext.Current.CancellationToken));

    [Fact]
    public void Result_SerialisesWithTheDocumentedFieldNames()
    {
        var writer = new StringWriter();
        CliOutput.WriteLine(new DialResult(486, false, 0, null, 0, 0, "remote"), writer);
        Assert.Equal("{\"status\":486,\"answered\":false,\"answerMs\":0,\"amd\":null,\"rtpSent\":0,\"rtpReceived\":0,\"hangupBy\":\"remote\"}", writer.ToString().Trim());
    }
}
