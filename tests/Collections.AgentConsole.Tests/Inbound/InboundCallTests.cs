using System.Diagnostics;
using System.Globalization;
using Collections.AgentConsole.Features.Calls;
using Collections.AgentConsole.Features.Dialing;
using Collections.AgentConsole.Tests.Console;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Audio;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Queues;
using Collections.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

using static Collections.AgentConsole.Tests.Inbound.InboundTestSupport;

namespace Collections.AgentConsole.Tests.Inbound;

/// <summary>
/// Debtors calling back (issue 17) in the main job: SIPp calls the demo's number (+44 20 7946 0000) with a caller ID, presses 1
/// as an RFC 4733 event and speaks (a 1 kHz tone); the operator's phone is baresip (a 440 Hz tone as its microphone). The
/// host's clock is a weekday afternoon (<see cref="KestrelConsole"/>), inside the demo's opening hours.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InboundCallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_debtor_who_presses_1_reaches_the_operator_with_the_inbound_script_and_both_voices_are_recorded()
    {
        var sipPort = FreePorts.UdpAndTcp();
        var recordings = Directory.CreateTempSubdirectory("recordings-").FullName;
        using var console = new KestrelConsole(("Dialer:Sip:Port", sipPort.ToString(CultureInfo.InvariantCulture)), ("Dialer:Recording:Directory", recordings));
        await PauseCampaignsAsync(console);
        await using var phone = BaresipPhone.Start(Extension, DemoSipPassword, sipPort, seconds: 120);
        Assert.True(await phone.WaitRegisteredAsync(TimeSpan.FromSeconds(20), Ct), "baresip did not register: " + phone.Output);

        var (http, cookie) = await console.SignInAsync(Operator, Ct);
        using var _ = http;
        await using var hub = console.Hub(ConsoleHubs.AgentPath, cookie);
        var pops = System.Threading.Channels.Channel.CreateUnbounded<ScreenPopDto>();
        hub.On<ScreenPopDto>(nameof(IAgentClient.ScreenPop), p => pops.Writer.TryWrite(p));
        await hub.StartAsync(Ct);
        await hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, Ct);
        await WaitForLineAsync(console, phone);

        // A demo debtor who speaks English, with a number no other debtor has.
        var (number, debtorId) = await EnglishDebtorNumberAsync(console);
        var since = NodaTime.Instant.FromDateTimeOffset(console.Clock.GetUtcNow());
        await using (var caller = await SippCaller.StartAsync(sipPort, number, Ct))
        {
            var pop = await pops.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(debtorId, pop.Debtor.Id);
            Assert.Equal("inbound", pop.Reason?.Purpose);
            Assert.NotNull(pop.Script);
            Assert.Equal("inbound", pop.Reason?.ScriptStage);

            // Both voices through the bridge: the phone hears the caller's tone (a wait for audio, not a speed limit).
            var until = DateTime.UtcNow.AddSeconds(20);
            while (phone.DecodedPeak() <= 1000 && DateTime.UtcNow < until)
            {
                await Task.Delay(250, Ct);
            }

            await hub.InvokeAsync("HangUp", pop.CallId, Ct);
            var (exit, errors) = await caller.WaitAsync(TimeSpan.FromSeconds(20), Ct);
            Assert.True(exit == 0, errors);
            Assert.True(phone.DecodedPeak() > 1000, $"the operator's phone heard only silence (peak {phone.DecodedPeak()}): " + phone.Output);

            // The recording, named by the call's id: the caller's 1 kHz tone left, the phone's 440 Hz tone right.
            var wav = await Recordings.ReadWhenCompleteAsync(Path.Combine(recordings, $"{pop.CallId:D}.wav"), Ct);
            var left = Enumerable.Range(0, wav.FrameCount).Select(i => wav.Samples[2 * i]).ToArray();
            var right = Enumerable.Range(0, wav.FrameCount).Select(i => wav.Samples[(2 * i) + 1]).ToArray();
            Assert.True(Tone(left, 1000) > 10 * Tone(left, 440), "the caller's tone is not on the left channel");
            Assert.True(Tone(right, 440) > 10 * Tone(right, 1000), "the operator's tone is not on the right channel");

            // The call's records: answered in the queue by Harriet, and a ledger row with purpose inbound on the account.
            await using var db = console.OpenDatabase();
            var row = await db.InboundCalls.SingleAsync(c => c.Id == new ContactAttemptId(pop.CallId), Ct);
            Assert.Equal(debtorId, row.DebtorId!.Value.Value);
            Assert.Equal(pop.Account.Id, row.AccountId!.Value.Value);
            Assert.NotNull(row.QueuedAt);
            Assert.NotNull(row.AnsweredAt);
            Assert.Equal((await db.Agents.SingleAsync(a => a.Login == Operator, Ct)).Id, row.AgentId);
            var ledger = await db.ContactAttempts.SingleAsync(c => c.Id == row.Id, Ct);
            Assert.Equal(ContactPurpose.Inbound, ledger.Purpose);
            Assert.True(ledger.StartedAt >= since);
        }

        // The wallboard's inbound queue: nobody waiting, one call answered today, within the 20 s target (DTMF at once, Harriet ready).
        var (supervisorHttp, supervisorCookie) = await console.SignInAsync("supervisor", Ct);
        using (supervisorHttp)
        {
            await using var supervisor = console.Hub(ConsoleHubs.SupervisorPath, supervisorCookie);
            await supervisor.StartAsync(Ct);
            var queue = (await supervisor.InvokeAsync<WallboardDto>("Snapshot", Ct)).Inbound;
            Assert.NotNull(queue);
            Assert.Equal(0, queue.Waiting);
            Assert.Equal(1, queue.Answered);
            Assert.Equal(1, queue.AnsweredWithinTarget);
            Assert.Equal(1, queue.ServiceLevel);
            // Blending: one caller in the last 15 minutes is 4 an hour; Erlang C needs operators for the queue.
            Assert.Equal(4, queue.ArrivalsPerHour);
            Assert.InRange(queue.ReservedNeeded, 1, 2);
        }

        // The inbound call's outcome is saved like any call's; then Harriet is ready again.
        var ended = await hub.InvokeAsync<CurrentDto>("Current", Ct);
        await hub.InvokeAsync<OutcomeSavedDto>("SaveOutcome", new SaveOutcomeDto(ended.Pop!.CallId, ended.Pop.Account.Id, "RefusedToPay", "inbound test"), Ct);
        Assert.Equal(AgentState.Ready, (await hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, Ct)).State);

        // Ready again, Harriet is held back from the campaigns for the queue, and the wallboard says so.
        {
            await using var supervisor = console.Hub(ConsoleHubs.SupervisorPath, supervisorCookie);
            await supervisor.StartAsync(Ct);
            var queue = (await supervisor.InvokeAsync<WallboardDto>("Snapshot", Ct)).Inbound!;
            Assert.InRange(queue.Reserved, 1, queue.ReservedNeeded);
        }
        Directory.Delete(recordings, recursive: true);
    }
}
