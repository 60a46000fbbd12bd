using Collections.Dialer.Amd;
using Collections.Dialer.Media.Audio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Tests.Amd;

public sealed class AmdHostingTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddAmd();
        return builder.Build();
    }

    [Fact]
    public async Task AddAmd_BindsThePolicyFromConfiguration()
    {
        using var host = Build(new()
        {
            ["Dialer:Amd:Profile"] = "asterisk-defaults",
            ["Dialer:Amd:OnMachine"] = "LeaveMessage",
            ["Dialer:Amd:MessageWav"] = "config/messages/callback.wav",
            ["Dialer:Amd:EndOfGreetingSilence"] = "00:00:02",
        });
        await host.StartAsync(TestContext.Current.CancellationToken);

        var policy = host.Services.GetRequiredService<IOptions<MachinePolicy>>().Value;

        Assert.Equal(MachineAction.LeaveMessage, policy.OnMachine);
        Assert.Equal(TimeSpan.FromSeconds(2), policy.EndOfGreetingSilence);
        Assert.Equal(AmdProfile.AsteriskDefaultsName, policy.CreateDetector().Name);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AddAmd_LeaveMessageWithoutAWav_StopsTheHostAtStartNamingTheKey()
    {
        using var host = Build(new() { ["Dialer:Amd:OnMachine"] = "LeaveMessage" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Dialer:Amd:MessageWav", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAmd_GivesTheHostOneVadBatcherForAllItsCalls()
    {
        using var host = Build(new() { ["Dialer:Amd:VadBatch:MaxBatch"] = "16" });
        await host.StartAsync(TestContext.Current.CancellationToken);

        var batcher = host.Services.GetRequiredService<SileroVadBatcher>();

        Assert.Same(batcher, host.Services.GetRequiredService<SileroVadBatcher>());
        Assert.Equal(16, host.Services.GetRequiredService<IOptions<VadBatchOptions>>().Value.MaxBatch);
        Assert.IsType<BatchedLearnedAmdDetector>(AmdDetectors.Create(LearnedAmdDetector.DetectorName, batcher)).Finish();
        Assert.Equal(0, batcher.OpenStreams);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AddAmd_ABatchOfNothing_StopsTheHostAtStartNamingTheKey()
    {
        using var host = Build(new() { ["Dialer:Amd:VadBatch:MaxBatch"] = "0" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Dialer:Amd:VadBatch:MaxBatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PushG711_DecodesRtpPayloadsLikeTheLinearPath()
    {
        var audio = new Synth(background: 60).Silence(500).Words(2, 200, 100).Silence(2000).Samples;
        var payload = G711.Encode(audio, G711Law.MuLaw);
        var detector = new AmdDetector();
        AmdResult? result = null;
        for (var offset = 0; offset < payload.Length && result is null; offset += 160)
        {
            result = detector.PushG711(payload.AsSpan(offset, Math.Min(160, payload.Length - offset)), G711Law.MuLaw);
        }

        Assert.Equal(AmdDetector.Classify(G711.Decode(payload, G711Law.MuLaw)), result);
        Assert.Equal(AmdVerdict.Human, result?.Verdict);
    }
}
