using System.Net;
using Collections.Dialer.Calls;
using Collections.Dialer.Routing;
using Collections.Dialer.Sip;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Collections.Dialer.Tests.Calls;

/// <summary>The agents' nailed-up legs in a host with no trunk: the demo phone, a registered phone, bridging debtor calls from the demo carrier.</summary>
public sealed class AgentPhonesTests : IAsyncLifetime
{
    private static readonly AgentId Agent = new(6);
    private IHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AgentPhones Phones => _host.Services.GetRequiredService<AgentPhones>();

    private TelephonyService Telephony => _host.Services.GetRequiredService<TelephonyService>();

    public async ValueTask InitializeAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dialer:Sip:BindAddress"] = "127.0.0.1",
            ["Dialer:Sip:Port"] = "0",
            ["Dialer:Sip:RingTimeoutSeconds"] = "5",
            ["Dialer:Registrar:Users:1006"] = "agent-pw",
            ["Dialer:DemoCarrier:RingSeconds"] = "0.1",
            ["Dialer:DemoCarrier:MaxCallSeconds"] = "60",
        });
        builder.AddTelephony();
        _host = builder.Build();
        await _host.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    private async Task<SipCallLeg> HumanDebtorAsync()
    {
        var leg = await Telephony.PlaceAsync("human", Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.True(leg.Answered, $"demo carrier answered {leg.FinalStatus}");
        return leg;
    }

    /// <summary>Polls a condition for up to 10 s (no timing is asserted: only that it happens).</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50, Ct);
        }

        return condition();
    }

    [Fact]
    public async Task NoPhoneRegistered_GetsTheDemoPhone_WhichHearsTwoBridgedDebtorsOnOneLeg()
    {
        // Two log-ins at once call the demo phone only once.
        var kinds = await Task.WhenAll(Phones.ConnectAsync(Agent, "1006", Ct), Phones.ConnectAsync(Agent, "1006", Ct)).WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.Equal([AgentPhoneKind.DemoPhone, AgentPhoneKind.DemoPhone], kinds);
        Assert.Equal(AgentPhoneKind.DemoPhone, Phones.KindOf(Agent));
        var demo = Telephony.DemoPhone!;
        // A phone counts a call once its 200 OK is on the wire, which the dialer's side can see first.
        Assert.True(await EventuallyAsync(() => demo.CallsAnswered >= 1), "the demo phone answered no call");
        Assert.Equal(1, demo.CallsAnswered);
        var phoneSide = Phones.DemoPhoneCallOf(Agent);
        Assert.NotNull(phoneSide);
        var agentLeg = Phones.LegOf(Agent)!;

        long voiceBefore = 0;
        for (var call = 0; call < 2; call++)
        {
            await using var debtor = await HumanDebtorAsync();
            Assert.True(Phones.TryBridge(Agent, debtor));
            Assert.False(Phones.TryBridge(Agent, debtor), "a bridged line is busy");
            var before = voiceBefore;
            Assert.True(await EventuallyAsync(() => phoneSide.VoicePacketsReceived > before),
                $"call {call}: the demo phone heard no voice from the debtor ({phoneSide.PacketsReceived} packets, {Phones.RelayedToAgent(Agent)} relayed)");
            await debtor.HangupAsync();
            Assert.True(await EventuallyAsync(() => !Phones.IsBridged(Agent)), "the debtor's end unbridges the line");
            voiceBefore = phoneSide.VoicePacketsReceived;
        }

        Assert.True(Phones.RelayedToAgent(Agent) >= voiceBefore, $"relayed {Phones.RelayedToAgent(Agent)} < voice heard {voiceBefore}");
        Assert.Equal(AgentPhoneKind.DemoPhone, Phones.KindOf(Agent));
        Assert.Same(agentLeg, Phones.LegOf(Agent));
        Assert.Equal(CallState.Answered, agentLeg.State);
        Assert.False(phoneSide.Ended.IsCompleted, "the demo phone never hangs up by itself");
        Assert.Equal(1, demo.CallsAnswered);
    }

    [Fact]
    public async Task Disconnect_HangsTheLegUp_TheDemoPhoneSeesTheBye()
    {
        Assert.Equal(AgentPhoneKind.DemoPhone, await Phones.ConnectAsync(Agent, null, Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct));
        var phoneSide = Phones.DemoPhoneCallOf(Agent)!;
        Assert.True(await EventuallyAsync(() => phoneSide.PacketsReceived > 0), "the idle line sends silence to the phone");
        Assert.Equal(0, phoneSide.VoicePacketsReceived);

        await Phones.DisconnectAsync(Agent).WaitAsync(TimeSpan.FromSeconds(15), Ct);
        await phoneSide.Ended.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(phoneSide.EndedByCaller);
        Assert.Equal(AgentPhoneKind.None, Phones.KindOf(Agent));
        Assert.Equal(0, Telephony.DemoPhone!.ActiveCalls);

        // Logging in again calls the phone again.
        Assert.Equal(AgentPhoneKind.DemoPhone, await Phones.ConnectAsync(Agent, null, Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct));
        // The demo phone counts a call once its 200 OK is on the wire, which the dialer's side can see first.
        Assert.True(await EventuallyAsync(() => Telephony.DemoPhone!.CallsAnswered == 2), $"calls answered {Telephony.DemoPhone!.CallsAnswered}");
    }

    [Fact]
    public async Task Bridge_ReturnsTheAgentsLeg_WhoseEndIsSeenEvenAfterTheSlotForgotIt()
    {
        Assert.Equal(AgentPhoneKind.DemoPhone, await Phones.ConnectAsync(Agent, null, Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct));
        await using var debtor = await HumanDebtorAsync();
        var agentLeg = Phones.Bridge(Agent, debtor);
        Assert.NotNull(agentLeg);
        Assert.Same(Phones.LegOf(Agent), agentLeg);

        // The operator puts the phone down at once: the slot forgets the leg, and whoever watches the call for the agent's
        // hang-up (OperatorCall.ConverseAsync) must still see it end, so it can hang the debtor up (the race that left a
        // debtor on the line when the phone went down before the conversation was watched).
        await Phones.DemoPhoneCallOf(Agent)!.HangupAsync().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(await EventuallyAsync(() => Phones.LegOf(Agent) is null), "the slot still holds the ended leg");
        await agentLeg.Ended.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(CallState.Answered, debtor.State);
    }

    [Fact]
    public async Task TryBridge_ForAnAgentWithoutALine_IsFalse_AndTheDebtorIsUntouched()
    {
        await using var debtor = await HumanDebtorAsync();
        Assert.False(Phones.TryBridge(new AgentId(99), debtor));
        Assert.Equal(AgentPhoneKind.None, Phones.KindOf(new AgentId(99)));
        Assert.Equal(CallState.Answered, debtor.State);
    }

    [Fact]
    public async Task RegisteredPhone_IsCalledInsteadOfTheDemoPhone_AndHearsTheDebtor()
    {
        // An agent's SIP phone in-process: an auto-answering UA that REGISTERs as 1006 with digest.
        await using var phone = new DemoPhone(TimeProvider.System);
        phone.Start(IPAddress.Loopback);
        await using var registration = new RegistrationClient(phone.UserAgent, $"sip:127.0.0.1:{Telephony.UserAgent.Stack.Transport.UdpEndPoint.Port}",
            SipProtocol.Udp, "1006", "agent-pw", 300);
        Assert.Equal(200, await registration.RegisterAsync().WaitAsync(TimeSpan.FromSeconds(10), Ct));

        Assert.Equal(AgentPhoneKind.Phone, await Phones.ConnectAsync(Agent, "1006", Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct));
        Assert.True(await EventuallyAsync(() => phone.CallsAnswered >= 1), "the registered phone answered no call");
        Assert.Equal(1, phone.CallsAnswered);
        Assert.Equal(0, Telephony.DemoPhone!.CallsAnswered);
        Assert.Null(Phones.DemoPhoneCallOf(Agent));
        Assert.True(phone.TryGetCall(Phones.LegOf(Agent)!.CallId, out var phoneSide));

        await using var debtor = await HumanDebtorAsync();
        Assert.True(Phones.TryBridge(Agent, debtor));
        Assert.True(await EventuallyAsync(() => phoneSide.VoicePacketsReceived > 0), "the registered phone heard no voice from the debtor");

        await debtor.HangupAsync();
        Assert.True(await EventuallyAsync(() => !Phones.IsBridged(Agent)));

        // The agent puts the phone down: the leg is forgotten, nothing bridges into it, the next log-in redials.
        await phoneSide.HangupAsync().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(await EventuallyAsync(() => Phones.KindOf(Agent) == AgentPhoneKind.None), "the dropped leg is still counted as up");
        await using var second = await HumanDebtorAsync();
        Assert.False(Phones.TryBridge(Agent, second));
        Assert.Equal(AgentPhoneKind.Phone, await Phones.ConnectAsync(Agent, "1006", Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct));
        Assert.True(await EventuallyAsync(() => phone.CallsAnswered == 2), $"calls answered {phone.CallsAnswered}");
        Assert.True(Phones.TryBridge(Agent, second));

        // Another agent without a registered extension still gets the demo phone.
        Assert.Equal(AgentPhoneKind.DemoPhone, await Phones.ConnectAsync(new AgentId(7), "1007", Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct));
    }
}
