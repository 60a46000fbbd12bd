using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Cli;

namespace Collections.Dialer.Tests.Amd;

public sealed class DialAmdProfileOptionTests
{
    [Fact]
    public async Task Dial_UnknownAmdProfile_IsBadInputBeforeAnyCall()
    {
        var exit = await CliApp.RunAsync(["dial", "sip:debtor@127.0.0.1:9", "--amd", "--amd-profile", "loudest"], [DialCommand.Create()], TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
    }

    [Theory]
    [InlineData(LearnedAmdDetector.DetectorName)]
    [InlineData(AmdProfile.DefaultName)]
    [InlineData(AmdProfile.CautiousName)]
    [InlineData(AmdProfile.AsteriskDefaultsName)]
    public void AnswerClassifiers_CreatesTheLiveDetectorWithTheNamedProfile(string name)
    {
        var classifier = Assert.IsType<AmdAnswerClassifier>(AnswerClassifiers.Create(name, TimeProvider.System));

        Assert.Equal(name, classifier.Detector);
    }
}
