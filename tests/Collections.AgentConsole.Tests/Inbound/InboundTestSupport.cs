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

namespace Collections.AgentConsole.Tests.Inbound;

/// <summary>What the inbound tests share: the demo operator, SIPp as the caller, the demo data they call from, tone checks.</summary>
internal static class InboundTestSupport
{
    // Harriet Collins is demo agent 1006 and speaks English (docs/demo-data.md); the demo registrar accepts 1001-1010.
    internal const string Operator = "harriet.collins";
    internal const string Extension = "1006";
    internal const string DemoSipPassword = "Demo-sip-2026";
    internal const string Did = "+442079460000";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static async Task<T> WaitForAsync<T>(Func<Task<T?>> read)
        where T : class
    {
        for (var i = 0; ; i++)
        {
            if (await read() is { } found)
            {
                return found;
            }

            Assert.True(i < 100, "the call's row was not closed");
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>Power of <paramref name="frequency"/> in <paramref name="samples"/> (Goertzel over the whole signal).</summary>
    internal static double Tone(short[] samples, double frequency)
    {
        var c = 2 * Math.Cos(2 * Math.PI * frequency / 8000);
        double s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            var s0 = x + (c * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return (s1 * s1) + (s2 * s2) - (c * s1 * s2);
    }

    internal static async Task WaitForLineAsync(KestrelConsole console, BaresipPhone phone)
    {
        var bridge = console.Services.GetRequiredService<DialerBridge>();
        var phones = console.Services.GetRequiredService<AgentPhones>();
        await using var db = console.OpenDatabase();
        var agent = (await db.Agents.SingleAsync(a => a.Login == Operator, Ct)).Id;
        for (var i = 0; phones.KindOf(bridge.NumberOf(agent)) != AgentPhoneKind.Phone; i++)
        {
            Assert.True(i < 200, "the operator's phone was not called at ready: " + phone.Output);
            await Task.Delay(100, Ct);
        }
    }

    internal static async Task<(string Number, Guid DebtorId)> EnglishDebtorNumberAsync(KestrelConsole console)
    {
        await using var db = console.OpenDatabase();
        var phones = await (from p in db.PhoneNumbers
                            join d in db.Debtors on p.DebtorId equals d.Id
                            where d.PreferredLanguage == "en" && p.WrongNumberAt == null
                            select new { p.E164, p.DebtorId }).ToListAsync(Ct);
        var all = await db.PhoneNumbers.GroupBy(p => p.E164).Where(g => g.Count() == 1).Select(g => g.Key).ToListAsync(Ct);
        var pick = phones.First(p => all.Contains(p.E164) && p.E164.StartsWith("+44", StringComparison.Ordinal));
        return (pick.E164, pick.DebtorId.Value);
    }

    internal static async Task PauseCampaignsAsync(KestrelConsole console)
    {
        var (http, cookie) = await console.SignInAsync("supervisor", Ct);
        using var _ = http;
        await using var hub = console.Hub(ConsoleHubs.SupervisorPath, cookie);
        await hub.StartAsync(Ct);
        await using var db = console.OpenDatabase();
        foreach (var campaign in await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Running).ToListAsync(Ct))
        {
            await hub.InvokeAsync<CampaignBoardDto>("UpdateCampaign", new CampaignCommandDto(campaign.Id.Value, "Paused", null, null, null), Ct);
        }
    }

    /// <summary>SIPp (Debian sip-tester) as a caller's phone running Inbound/caller.xml against the console's SIP port.</summary>
    internal sealed class SippCaller : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _dir;

        private SippCaller(Process process, string dir)
        {
            _process = process;
            _dir = dir;
        }

        public static async Task<SippCaller> StartAsync(int sipPort, string callerId, CancellationToken ct)
        {
            var dir = Directory.CreateTempSubdirectory("sipp-caller-").FullName;
            // The caller's voice: 1 kHz for 30 s, 8 kHz mu-law as SIPp's rtp_stream sends a WAV's bytes as they are.
            using (var sox = Process.Start(new ProcessStartInfo("sox", ["-n", "-r", "8000", "-c", "1", "-e", "u-law", Path.Combine(dir, "caller-voice.wav"), "synth", "30", "sine", "1000", "vol", "0.5"]) { UseShellExecute = false })!)
            {
                await sox.WaitForExitAsync(ct);
                Assert.Equal(0, sox.ExitCode);
            }

            var scenario = Path.Combine(AppContext.BaseDirectory, "Inbound", "caller.xml");
            var psi = new ProcessStartInfo("sipp")
            {
                WorkingDirectory = dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "-sf", scenario, "-s", Did, "-key", "caller", callerId, "-i", "127.0.0.1", "-p", FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture),
                         "-mi", "127.0.0.1", "-mp", FreePorts.Find(4, 61000, 65500, tcp: false, align: 4).ToString(CultureInfo.InvariantCulture),
                         "-m", "1", "-timeout", "90s", "-timeout_error", "-nostdin", "-trace_err", $"127.0.0.1:{sipPort}" })
            {
                psi.ArgumentList.Add(a);
            }

            var process = Process.Start(psi) ?? throw new InvalidOperationException("sipp did not start");
            _ = process.StandardOutput.ReadToEndAsync(ct);
            _ = process.StandardError.ReadToEndAsync(ct);
            return new SippCaller(process, dir);
        }

        public async Task<(int ExitCode, string Errors)> WaitAsync(TimeSpan timeout, CancellationToken ct)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                _process.Kill(entireProcessTree: true);
                return (-1, "sipp did not finish in time. " + Logs());
            }

            return (_process.ExitCode, Logs());
        }

        private string Logs() => string.Join("\n", Directory.GetFiles(_dir, "*.log").Select(f => Path.GetFileName(f) + ":\n" + File.ReadAllText(f)));

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
