using Collections.Dialer.Calls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Tests.Calls;

public sealed class TelephonyHostTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTelephony();
        return builder.Build();
    }

    [Fact]
    public async Task WithoutAnyTrunk_CallsGoToTheDemoCarrier()
    {
        using var host = Build(new() { ["Dialer:Sip:Port"] = "0", ["Dialer:DemoCarrier:RingSeconds"] = "0.1" });
        await host.StartAsync(TestContext.Current.CancellationToken);
        var calls = host.Services.GetRequiredService<IOutboundCalls>();
        Assert.True(calls.UsesDemoCarrier);
        await using var busy = await calls.PlaceAsync("busy", TestContext.Current.CancellationToken);
        Assert.Equal(486, busy.FinalStatus);
        await using var human = await calls.PlaceAsync("human", TestContext.Current.CancellationToken);
        Assert.True(human.Answered);
        await human.HangupAsync();
        Assert.Equal(CallState.Terminated, human.State);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task BadTrunk_StopsTheHostAtStart_NamingTheSection()
    {
        using var host = Build(new() { ["Dialer:Sip:Port"] = "0", ["Dialer:Trunks:carrier:Proxy"] = "127.0.0.1:5060", ["Dialer:Trunks:carrier:CallerId"] = "not a number" });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Dialer:Trunks", ex.Message, StringComparison.Ordinal);
    }
}
