using System.Collections.Concurrent;
using System.Net;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Rtp;
using Collections.Dialer.Media.Sdp;
using Collections.Shared.Contracts;
using Collections.Testing;

namespace Collections.Dialer.Tests.Calls;

/// <summary>Listen, whisper and barge: each party sends its own tone (debtor 440 Hz, agent 1000 Hz, supervisor 1800 Hz) and
/// what each one receives is checked for the others' tones (Goertzel), through G.711 A-law and mu-law both ways.</summary>
public sealed class MonitorMixTests
{
    private const double DebtorTone = 440;
    private const double AgentTone = 1000;
    private const double SupervisorTone = 1800;

    private static readonly Dictionary<CallParty, double> ToneOf = new()
    {
        [CallParty.Debtor] = DebtorTone,
        [CallParty.Agent] = AgentTone,
        [CallParty.Supervisor] = SupervisorTone,
    };

    // Who hears whom, written out rather than derived: the mode's meaning as issue 17 states it.
    public static TheoryData<MonitorMode, G711Law, G711Law, G711Law> Cases()
    {
        var data = new TheoryData<MonitorMode, G711Law, G711Law, G711Law>();
        foreach (var mode in Enum.GetValues<MonitorMode>())
        {
            data.Add(mode, G711Law.ALaw, G711Law.MuLaw, G711Law.ALaw);
            data.Add(mode, G711Law.MuLaw, G711Law.ALaw, G711Law.MuLaw);
        }

        return data;
    }

    private static bool Expected(MonitorMode mode, CallParty listener, CallParty speaker) => (mode, listener, speaker) switch
    {
        (_, CallParty.Debtor, CallParty.Agent) => true,
        (_, CallParty.Agent, CallParty.Debtor) => true,
        (_, CallParty.Supervisor, CallParty.Debtor or CallParty.Agent) => true,
        (MonitorMode.Whisper or MonitorMode.Barge, CallParty.Agent, CallParty.Supervisor) => true,
        (MonitorMode.Barge, CallParty.Debtor, CallParty.Supervisor) => true,
        _ => false,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_party_hears_exactly_the_parties_its_mode_allows(MonitorMode mode, G711Law debtorLaw, G711Law agentLaw, G711Law supervisorLaw)
    {
        var laws = new Dictionary<CallParty, G711Law> { [CallParty.Debtor] = debtorLaw, [CallParty.Agent] = agentLaw, [CallParty.Supervisor] = supervisorLaw };
        // What arrives from each phone: its tone through its own law.
        short[] Received(CallParty p) => G711.Decode(G711.Encode(Tones.Sine(ToneOf[p], 1600), laws[p]), laws[p]);
        var (d, a, s) = (Received(CallParty.Debtor), Received(CallParty.Agent), Received(CallParty.Supervisor));
        var outputs = new Dictionary<CallParty, short[]> { [CallParty.Debtor] = new short[1600], [CallParty.Agent] = new short[1600], [CallParty.Supervisor] = new short[1600] };
        MonitorMix.Mix(mode, d, a, s, outputs[CallParty.Debtor], outputs[CallParty.Agent], outputs[CallParty.Supervisor]);

        foreach (var listener in Enum.GetValues<CallParty>())
        {
            // What the listener's phone decodes: the mix re-encoded in its own law.
            var heard = G711.Decode(G711.Encode(outputs[listener], laws[listener]), laws[listener]);
            foreach (var speaker in Enum.GetValues<CallParty>())
            {
                var amplitude = Tones.Amplitude(heard, ToneOf[speaker]);
                if (Expected(mode, listener, speaker))
                {
                    Assert.True(amplitude > 6000, $"{mode}: {listener} should hear {speaker} ({ToneOf[speaker]} Hz), amplitude {amplitude:F0}");
                }
                else
                {
                    Assert.True(amplitude < 300, $"{mode}: {listener} must not hear {speaker} ({ToneOf[speaker]} Hz), amplitude {amplitude:F0}");
                }

                Assert.Equal(Expected(mode, listener, speaker), MonitorMix.Hears(mode, listener, speaker));
            }
        }
    }

    [Fact]
    public void A_sum_beyond_16_bits_is_clipped_not_wrapped()
    {
        var loud = Enumerable.Repeat((short)30000, 160).ToArray();
        var quiet = new short[160];
        var toDebtor = new short[160];
        var toAgent = new short[160];
        var toSupervisor = new short[160];
        MonitorMix.Mix(MonitorMode.Barge, loud, loud, loud, toDebtor, toAgent, toSupervisor);
        Assert.All(toSupervisor, x => Assert.Equal(short.MaxValue, x));   // 60000 clipped; wrapped it would be -5536
        var negative = Enumerable.Repeat((short)-30000, 160).ToArray();
        MonitorMix.Mix(MonitorMode.Listen, negative, negative, quiet, toDebtor, toAgent, toSupervisor);
        Assert.All(toSupervisor, x => Assert.Equal(short.MinValue, x));
        Assert.All(toDebtor, x => Assert.Equal(-30000, x));
    }

    /// <summary>The same through the running parts: a <see cref="CallBridge"/> between two RTP legs on loopback, a third leg
    /// attached, the mode changed twice and detached; each "phone" sends its tone in its codec every 20 ms.</summary>
    [Fact]
    public async Task A_bridge_mixes_a_joined_third_leg_by_its_mode_over_real_rtp()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = TimeProvider.System;
        await using var debtor = new Party(CallParty.Debtor, AudioCodec.Pcma, time);
        await using var agent = new Party(CallParty.Agent, AudioCodec.Pcmu, time);
        await using var supervisor = new Party(CallParty.Supervisor, AudioCodec.Pcma, time);
        var parties = new[] { debtor, agent, supervisor };
        var recording = Path.Combine(Path.GetTempPath(), $"monitor-mix-{Guid.NewGuid():N}.wav");
        var bridge = new CallBridge(debtor.Dialer, agent.Dialer, new Collections.Dialer.Recording.RecordingTarget(recording, null));
        try
        {
            foreach (var p in parties)
            {
                p.Start(ct);
            }

            // Only debtor and agent: relayed as before.
            await Collect(parties, ct);
            Assert.True(agent.Hears(DebtorTone) && debtor.Hears(AgentTone), "the plain bridge relays debtor and agent");

            Assert.True(bridge.Attach(supervisor.Dialer, MonitorMode.Listen, time));
            Assert.False(bridge.Attach(supervisor.Dialer, MonitorMode.Barge, time));
            foreach (var mode in new[] { MonitorMode.Listen, MonitorMode.Whisper, MonitorMode.Barge })
            {
                Assert.True(bridge.SetMode(mode));
                Assert.Equal(mode, bridge.MonitorMode);
                await Collect(parties, ct);
                foreach (var listener in parties)
                {
                    foreach (var speaker in parties.Where(s => s != listener))
                    {
                        Assert.True(Expected(mode, listener.Role, speaker.Role) == listener.Hears(ToneOf[speaker.Role]),
                            $"{mode}: {listener.Role} {(Expected(mode, listener.Role, speaker.Role) ? "should" : "must not")} hear {speaker.Role}; amplitudes {listener.Describe()}");
                    }
                }
            }

            await bridge.DetachAsync();
            Assert.Null(bridge.MonitorMode);
            await Collect(parties, ct);
            Assert.True(agent.Hears(DebtorTone) && !agent.Hears(SupervisorTone) && debtor.Hears(AgentTone) && !debtor.Hears(SupervisorTone), "after the supervisor left: " + agent.Describe());
        }
        finally
        {
            await bridge.DisposeAsync();
        }

        Assert.True(bridge.Closed.IsCompleted);
        // The recording's right channel is what the debtor was sent: the supervisor's tone is there (the barge), the agent's throughout.
        var wav = WavFile.Read(recording);
        var right = Enumerable.Range(0, wav.FrameCount).Select(i => wav.Samples[(2 * i) + 1]).ToArray();
        Assert.True(Tones.WindowsWith(right, AgentTone) > 0 && Tones.WindowsWith(right, SupervisorTone) > 0,
            $"recording right channel: agent windows {Tones.WindowsWith(right, AgentTone)}, supervisor windows {Tones.WindowsWith(right, SupervisorTone)}");
        File.Delete(recording);
    }

    // Discards what came in while the mode changed, then listens for 600 ms (a wait for audio, not a speed limit).
    private static async Task Collect(Party[] parties, CancellationToken ct)
    {
        await Task.Delay(200, ct);
        foreach (var p in parties)
        {
            p.Clear();
        }

        await Task.Delay(600, ct);
    }

    /// <summary>One party: the dialer's RTP leg and the phone at its other end, sending its tone every 20 ms.</summary>
    private sealed class Party : IAsyncDisposable
    {
        private readonly ConcurrentQueue<short[]> _heard = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly TimeProvider _time;
        private Task? _sender;

        public Party(CallParty role, AudioCodec codec, TimeProvider time)
        {
            Role = role;
            _time = time;
            Dialer = new RtpSession(IPAddress.Loopback, time) { Codec = codec };
            Phone = new RtpSession(IPAddress.Loopback, time) { Codec = codec };
            Dialer.SetRemote(Phone.LocalEndPoint);
            Phone.SetRemote(Dialer.LocalEndPoint);
            Phone.AudioReceived += (_, frame) => _heard.Enqueue(frame.Samples);
        }

        public CallParty Role { get; }

        public RtpSession Dialer { get; }

        public RtpSession Phone { get; }

        public void Start(CancellationToken ct) => _sender = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20), _time);
            var n = 0;
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    Phone.SendAudio(Tones.Sine(ToneOf[Role], RtpSession.SamplesPerFrame, offset: n * RtpSession.SamplesPerFrame), n == 0);
                    n++;
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, ct);

        public void Clear() => _heard.Clear();

        private short[] Heard() => [.. _heard.SelectMany(f => f)];

        public bool Hears(double tone) => Tones.WindowsWith(Heard(), tone) >= 3;

        public string Describe() => string.Join(", ", ToneOf.Select(t => $"{t.Key} {Tones.WindowsWith(Heard(), t.Value)} windows"));

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_sender is not null)
            {
                await _sender;
            }

            await Dialer.DisposeAsync();
            await Phone.DisposeAsync();
            _stop.Dispose();
        }
    }
}
