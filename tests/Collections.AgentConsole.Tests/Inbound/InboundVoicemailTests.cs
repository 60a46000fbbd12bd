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

/// <summary>Outside opening hours the voicemail box takes the caller's message (issue 17): a host configured closed, SIPp calling.</summary>
[Trait("Category", "Integration")]
public sealed class InboundVoicemailTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Outside_opening_hours_the_caller_leaves_a_voicemail_that_becomes_a_callback_on_their_account()
    {
        var sipPort = FreePorts.UdpAndTcp();
        var voicemail = Directory.CreateTempSubdirectory("voicemail-").FullName;
        // The host's clock says 14:00 UTC on a weekday: lines open only in the evening are closed.
        using var console = new KestrelConsole(
            ("Dialer:Sip:Port", sipPort.ToString(CultureInfo.InvariantCulture)),
            ("Dialer:Inbound:Opens", "19:00"), ("Dialer:Inbound:Closes", "20:00"), ("Dialer:Inbound:TimeZone", "UTC"),
            ("Dialer:Inbound:VoicemailDirectory", voicemail), ("Dialer:Inbound:VoicemailMaxSeconds", "5"));
        await PauseCampaignsAsync(console);
        var (number, debtorId) = await EnglishDebtorNumberAsync(console);

        // The caller speaks through the closed message and the invitation; the box hangs up at its longest message.
        await using (var caller = await SippCaller.StartAsync(sipPort, number, Ct))
        {
            var (exit, errors) = await caller.WaitAsync(TimeSpan.FromSeconds(40), Ct);
            Assert.True(exit == 0, errors);
        }

        await using var db = console.OpenDatabase();
        var row = await WaitForAsync(() => db.InboundCalls.AsNoTracking().SingleOrDefaultAsync(c => c.DebtorId == new DebtorId(debtorId) && c.EndedAt != null, Ct));
        Assert.Equal(InboundCallOutcome.Voicemail, row.Outcome);
        Assert.Null(row.QueuedAt);
        var message = WavFile.Read(row.VoicemailPath!);
        var left = Enumerable.Range(0, message.FrameCount).Select(i => message.Samples[2 * i]).ToArray();
        Assert.True(Tone(left, 1000) > 10 * Tone(left, 440), "the caller's voice is not in the message");

        var callback = await db.ScheduledContacts.SingleAsync(c => c.IdempotencyKey == $"voicemail:{row.Id.Value:N}", Ct);
        Assert.Equal(row.AccountId, callback.AccountId);
        Assert.Equal(ContactPurpose.Callback, callback.Purpose);
        Assert.Equal("inbound", callback.ScriptStage);
        Assert.Null(callback.AgentId);
        Directory.Delete(voicemail, recursive: true);
    }
}
