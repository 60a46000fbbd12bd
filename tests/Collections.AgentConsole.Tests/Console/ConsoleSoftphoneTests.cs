using System.Globalization;
using Collections.Shared.Contracts;
using Collections.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>The whole call path of DESIGN.md 3 in the main job, with a real softphone: baresip registers as the operator's
/// extension with the demo SIP password, the dialer calls it when the operator goes ready (the nailed-up leg), the campaign
/// runner dials the demo carrier, AMD hears a person, and the debtor's voice is bridged into the operator's phone.</summary>
[Trait("Category", "Integration")]
public sealed class ConsoleSoftphoneTests
{
    // Harriet Collins is demo agent 1006 (docs/demo-data.md); the demo registrar accepts 1001-1010 (appsettings.Development.json).
    private const string Operator = "harriet.collins";
    private const string Extension = "1006";
    private const string DemoSipPassword = "Demo-sip-2026";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_operators_registered_softphone_is_called_at_ready_and_hears_the_debtor()
    {
        var sipPort = FreePorts.UdpAndTcp();
        var recordings = Directory.CreateTempSubdirectory("recordings-").FullName;
        using var console = new KestrelConsole(("Dialer:Sip:Port", sipPort.ToString(CultureInfo.InvariantCulture)), ("Dialer:Recording:Directory", recordings));
        await using var phone = BaresipPhone.Start(Extension, DemoSipPassword, sipPort, seconds: 90);
        Assert.True(await phone.WaitRegisteredAsync(TimeSpan.FromSeconds(20), Ct), "baresip did not register: " + phone.Output);

        var (http, cookie) = await console.SignInAsync(Operator, Ct);
        using var _ = http;
        await using var hub = console.Hub(ConsoleHubs.AgentPath, cookie);
        var pop = new TaskCompletionSource<ScreenPopDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<ScreenPopDto>(nameof(IAgentClient.ScreenPop), p => pop.TrySetResult(p));
        await hub.StartAsync(Ct);
        await hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, Ct);

        var call = await pop.Task.WaitAsync(TimeSpan.FromSeconds(90), Ct);
        Assert.Equal("en", call.Debtor.Language);

        // The simulated debtor greets and then speaks; give the bridge a few seconds of it (a wait for audio, not a speed limit).
        var until = DateTime.UtcNow.AddSeconds(20);
        while (phone.DecodedPeak() <= 1000 && DateTime.UtcNow < until)
        {
            await Task.Delay(500, Ct);
        }

        await hub.InvokeAsync<OutcomeSavedDto>("SaveOutcome", new SaveOutcomeDto(call.CallId, call.Account.Id, "RefusedToPay", "softphone test"), Ct);
        Assert.True(phone.HasDecodedDump, "baresip decoded nothing: it was never called or never got audio: " + phone.Output);
        Assert.True(phone.DecodedPeak() > 1000, $"baresip decoded only silence (peak {phone.DecodedPeak()}): " + phone.Output);

        // The call was recorded in stereo, named by its ledger row: the debtor's voice left, the softphone's 440 Hz tone right.
        Guid attemptId;
        await using (var db = console.OpenDatabase())
        {
            attemptId = (await db.Dispositions.SingleAsync(d => d.Note == "softphone test", Ct)).ContactAttemptId!.Value.Value;
        }

        var file = Path.Combine(recordings, $"{attemptId:D}.wav");
        var recording = await Recordings.ReadWhenCompleteAsync(file, Ct);
        Assert.Equal(2, recording.Channels);
        var left = Enumerable.Range(0, recording.FrameCount).Max(i => Math.Abs((int)recording.Samples[2 * i]));
        var right = Enumerable.Range(0, recording.FrameCount).Max(i => Math.Abs((int)recording.Samples[(2 * i) + 1]));
        Assert.True(left > 1000 && right > 1000, $"recording peaks: debtor {left}, agent {right}");

        // Supervisors fetch it; the operator may not.
        var (supervisor, _) = await console.SignInAsync("supervisor", Ct);
        using (supervisor)
        {
            using var response = await supervisor.GetAsync($"/api/recordings/{attemptId}", Ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(new FileInfo(file).Length, (await response.Content.ReadAsByteArrayAsync(Ct)).Length);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/recordings/{Guid.NewGuid()}", Ct)).StatusCode);
        }

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.GetAsync($"/api/recordings/{attemptId}", Ct)).StatusCode);
        Directory.Delete(recordings, recursive: true);
    }
}
