using System.Net;
using System.Net.Sockets;
using Collections.Dialer.Outreach.Dispatch;
using Collections.Shared.Domain;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Dialer.Tests.Outreach;

/// <summary>The dispatcher of due SMS, WhatsApp, e-mail and letters against the fake Twilio, the demo SMTP sink and a print
/// queue, on a fake clock: once per entry across crashes, within the debtor's hours, never against an opt-out, with a
/// clear outcome when it cannot send.</summary>
public sealed class DispatcherTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_answer_lost_in_a_crash_is_settled_after_restart_without_sending_twice_and_nothing_is_lost()
    {
        await using var harness = await OutreachHarness.StartAsync();
        harness.Options.Dispatch.Parallelism = 1;
        var other = await harness.AddAccountAsync("DE-4712", "+4915112345679");
        var lost = await harness.QueueAsync(ContactChannel.Sms, "first-reminder");
        var fine = await harness.QueueAsync(ContactChannel.Sms, "first-reminder", account: other);
        // Twilio creates the first message, then the connection drops before its answer: the sender cannot know it left.
        harness.Twilio.InjectFault(Collections.Testing.FakeTwilioFault.DropAfterCreate);

        Assert.Equal(2, await harness.NewDispatcher().DispatchOnceAsync(Ct));
        var inDoubt = await harness.EntryAsync(lost);
        Assert.Equal(ScheduledContactStatus.Taken, inDoubt.Status);
        Assert.StartsWith("in doubt", inDoubt.Outcome);
        Assert.Equal(ScheduledContactStatus.Done, (await harness.EntryAsync(fine)).Status);

        // The process restarts: a new dispatcher (a new lease holder) finds nothing due while the lease runs.
        var restarted = harness.NewDispatcher();
        Assert.Equal(0, await restarted.DispatchOnceAsync(Ct));
        harness.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await restarted.DispatchOnceAsync(Ct));

        var entry = await harness.EntryAsync(lost);
        Assert.Equal(ScheduledContactStatus.Done, entry.Status);
        Assert.Equal(1, entry.Attempts);
        Assert.Equal(2, harness.Twilio.CreateRequests);
        Assert.Equal(2, harness.Twilio.Messages.Count);
        await using var db = harness.CreateContext();
        var message = await db.OutboundMessages.SingleAsync(m => m.ScheduledContactId == lost, Ct);
        Assert.Equal(entry.OutboundMessageId, message.Id);
        Assert.Equal(harness.Twilio.Messages.Single(m => m.To == OutreachHarness.Mobile).Sid, message.ProviderId);
        var ledger = await db.ContactAttempts.Where(a => a.ScheduledContactId == lost).ToListAsync(Ct);
        var row = Assert.Single(ledger);
        // Reconciliation found the message at Twilio already delivered, and wrote that over the one ledger row.
        Assert.Equal((ContactOutcome.Delivered, ContactPurpose.Reminder, entry.ContactAttemptId), (row.Outcome, row.Purpose, (ContactAttemptId?)row.Id));
    }

    [Fact]
    public async Task A_process_killed_after_sending_was_recorded_but_before_the_request_left_sends_once_after_restart()
    {
        await using var harness = await OutreachHarness.StartAsync();
        var id = await harness.QueueAsync(ContactChannel.Sms, "first-reminder");
        // A provider that takes the connection and never answers; the process is killed while it waits.
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var silent = Clone(harness.TwilioOptions, $"http://127.0.0.1:{((IPEndPoint)blackHole.LocalEndpoint).Port}");
        using var kill = new CancellationTokenSource();
        var dying = harness.NewDispatcher(silent).DispatchOnceAsync(kill.Token);
        await WaitUntilAsync(async () =>
        {
            await using var db = harness.CreateContext();
            return await db.OutboundMessages.AnyAsync(m => m.State == OutboundMessageState.Sending, Ct);
        });
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dying);
        Assert.Equal(ScheduledContactStatus.Taken, (await harness.EntryAsync(id)).Status);

        harness.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await harness.NewDispatcher().DispatchOnceAsync(Ct));

        Assert.Equal(ScheduledContactStatus.Done, (await harness.EntryAsync(id)).Status);
        Assert.Single(harness.Twilio.Messages);
        await using var check = harness.CreateContext();
        // The reservation made before the kill never became a message: it is cancelled, the resend has its own row.
        var rows = await check.ContactAttempts.OrderBy(a => a.StartedAt).Select(a => a.Outcome).ToListAsync(Ct);
        Assert.Equal([ContactOutcome.Cancelled, ContactOutcome.Sent], rows);
    }

    [Fact]
    public async Task A_dispatcher_and_two_background_reconcilers_settling_the_same_lost_messages_send_each_once()
    {
        await using var harness = await OutreachHarness.StartAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var account = await harness.AddAccountAsync($"DE-6{i:000}", $"+491511240{i:0000}");
            ids.Add(await harness.QueueAsync(ContactChannel.Sms, "first-reminder", account: account));
            // Two 503s before anything is created (MaxAttempts is 2): each message is left "sending", Twilio never made it.
            harness.Twilio.InjectFault(Collections.Testing.FakeTwilioFault.ServerErrorBeforeCreate);
            harness.Twilio.InjectFault(Collections.Testing.FakeTwilioFault.ServerErrorBeforeCreate);
        }

        harness.Options.Dispatch.Parallelism = 1;
        await harness.NewDispatcher().DispatchOnceAsync(Ct);
        Assert.Empty(harness.Twilio.Messages);
        harness.Clock.Advance(TimeSpan.FromMinutes(6));

        // All three find the messages missing at Twilio at about the same time; only one may send each of them.
        harness.Options.Dispatch.Parallelism = 6;
        await Task.WhenAll(harness.NewSender().ReconcileAsync(Ct), harness.NewSender().ReconcileAsync(Ct), harness.NewDispatcher().DispatchOnceAsync(Ct));
        harness.Clock.Advance(TimeSpan.FromMinutes(6));
        await harness.NewDispatcher().DispatchOnceAsync(Ct);

        Assert.Equal(6, harness.Twilio.Messages.Count);
        Assert.Equal(6, harness.Twilio.Messages.Select(m => m.To).Distinct().Count());
        await using var db = harness.CreateContext();
        Assert.Equal(6, await db.ScheduledContacts.CountAsync(c => c.Status == ScheduledContactStatus.Done, Ct));
        Assert.Equal(6, await db.ContactAttempts.CountAsync(a => a.Outcome != ContactOutcome.Cancelled, Ct));
    }

    [Fact]
    public async Task A_provider_that_cannot_be_reached_is_retried_with_backoff_and_the_message_goes_out_once_it_is_back()
    {
        await using var harness = await OutreachHarness.StartAsync();
        var id = await harness.QueueAsync(ContactChannel.Sms, "first-reminder");
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        await harness.NewDispatcher(Clone(harness.TwilioOptions, $"http://127.0.0.1:{port}")).DispatchOnceAsync(Ct);
        var waiting = await harness.EntryAsync(id);
        Assert.Equal(ScheduledContactStatus.Queued, waiting.Status);
        Assert.Equal(1, waiting.Attempts);
        Assert.Equal(Instant.FromDateTimeOffset(harness.Clock.GetUtcNow()) + Duration.FromMinutes(1), waiting.NextAttemptAt);
        Assert.StartsWith("not sent, retry at", waiting.Outcome);

        var dispatcher = harness.NewDispatcher();
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(Ct));
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(Ct));

        var done = await harness.EntryAsync(id);
        Assert.Equal((ScheduledContactStatus.Done, 2), (done.Status, done.Attempts));
        Assert.Single(harness.Twilio.Messages);
        await using var db = harness.CreateContext();
        Assert.Equal(OutboundMessageState.Accepted, (await db.OutboundMessages.SingleAsync(Ct)).State);
        var outcomes = await db.ContactAttempts.OrderBy(a => a.StartedAt).Select(a => a.Outcome).ToListAsync(Ct);
        Assert.Equal([ContactOutcome.Cancelled, ContactOutcome.Sent], outcomes);
    }

    [Fact]
    public async Task Outside_the_debtors_hours_the_entry_waits_and_is_sent_when_the_hours_open()
    {
        await using var harness = await OutreachHarness.StartAsync();
        // Tuesday 24 November 2026, 22:30 in Berlin: after the German pack's 08:00-20:00 (de.calling-hours).
        harness.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 21, 30, 0, TimeSpan.Zero));
        var id = await harness.QueueAsync(ContactChannel.Sms, "first-reminder");
        var dispatcher = harness.NewDispatcher();

        Assert.Equal(1, await dispatcher.DispatchOnceAsync(Ct));
        var deferred = await harness.EntryAsync(id);
        var opening = Instant.FromUtc(2026, 11, 25, 7, 0); // Wednesday 08:00 in Berlin, as `explain` names it
        Assert.Equal((ScheduledContactStatus.Queued, opening, 0), (deferred.Status, deferred.NextAttemptAt, deferred.Attempts));
        Assert.Contains("de.calling-hours", deferred.Outcome);
        Assert.Equal(0, harness.Twilio.CreateRequests);

        harness.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 6, 59, 0, TimeSpan.Zero));
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(Ct));
        harness.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(Ct));

        Assert.Equal(ScheduledContactStatus.Done, (await harness.EntryAsync(id)).Status);
        Assert.Single(harness.Twilio.Messages);
        await using var db = harness.CreateContext();
        Assert.Equal(Instant.FromUtc(2026, 11, 25, 7, 0), (await db.ContactAttempts.SingleAsync(Ct)).StartedAt);
    }

    [Fact]
    public async Task An_opt_out_of_SMS_cancels_the_SMS_naming_the_rule_while_the_e_mail_still_goes_out()
    {
        await using var harness = await OutreachHarness.StartAsync();
        await using (var db = harness.CreateContext())
        {
            db.OptOuts.Add(new OptOut { DebtorId = harness.DebtorId, Channel = ContactChannel.Sms, Address = OutreachHarness.Mobile, At = Instant.FromUtc(2026, 11, 20, 8, 0), Source = "sms:STOP" });
            await db.SaveChangesAsync(Ct);
        }

        var sms = await harness.QueueAsync(ContactChannel.Sms, "first-reminder");
        var email = await harness.QueueAsync(ContactChannel.Email, "first-reminder");

        Assert.Equal(2, await harness.NewDispatcher().DispatchOnceAsync(Ct));

        var cancelled = await harness.EntryAsync(sms);
        Assert.Equal(ScheduledContactStatus.Cancelled, cancelled.Status);
        Assert.Contains("refused for good", cancelled.Outcome);
        Assert.Contains("de.opt-out", cancelled.Outcome);
        Assert.Equal(0, harness.Twilio.CreateRequests);
        Assert.Equal(ScheduledContactStatus.Done, (await harness.EntryAsync(email)).Status);
        Assert.Equal(1, harness.Smtp.Received);
    }

    [Fact]
    public async Task A_letter_is_handed_to_the_print_queue_as_a_PDF_once_and_counted_as_sent_in_the_ledger()
    {
        await using var harness = await OutreachHarness.StartAsync();
        var id = await harness.QueueAsync(ContactChannel.Letter, "first-reminder");

        Assert.Equal(1, await harness.NewDispatcher().DispatchOnceAsync(Ct));

        var entry = await harness.EntryAsync(id);
        Assert.Equal(ScheduledContactStatus.Done, entry.Status);
        var file = Assert.Single(Directory.GetFiles(harness.PrintQueue.Directory));
        Assert.StartsWith("%PDF-", await File.ReadAllTextAsync(file, Ct));
        Assert.Contains("Zahlungserinnerung", PdfText(file));
        await using (var db = harness.CreateContext())
        {
            var message = await db.OutboundMessages.SingleAsync(Ct);
            Assert.Equal((ContactChannel.Letter, OutboundMessageState.Sent, "letter.first-reminder", "de"), (message.Channel, message.State, message.Template, message.Language));
            Assert.Equal(Path.GetFileName(file), message.DocumentPath);
            Assert.Equal("Musterstraße 1, 10115 Berlin, DE", message.To);
            var row = await db.ContactAttempts.SingleAsync(Ct);
            Assert.Equal((ContactChannel.Letter, ContactOutcome.Sent, Path.GetFileName(file), ContactPurpose.Reminder, (Guid?)id),
                (row.Channel, row.Outcome, row.ExternalId, row.Purpose, row.ScheduledContactId));

            // A crash after the file was written but before the row said so: the next attempt finds the file and prints nothing twice.
            await db.OutboundMessages.ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboundMessageState.Sending), Ct);
            await db.ScheduledContacts.ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ScheduledContactStatus.Taken)
                .SetProperty(c => c.ClaimedBy, "dead-node").SetProperty(c => c.ClaimedUntil, Instant.FromUtc(2026, 11, 24, 8, 0)), Ct);
        }

        Assert.Equal(1, await harness.NewDispatcher().DispatchOnceAsync(Ct));
        Assert.Equal(ScheduledContactStatus.Done, (await harness.EntryAsync(id)).Status);
        Assert.Single(Directory.GetFiles(harness.PrintQueue.Directory));
        await using var check = harness.CreateContext();
        Assert.Equal(OutboundMessageState.Sent, (await check.OutboundMessages.SingleAsync(Ct)).State);
        Assert.Equal(ContactOutcome.Sent, (await check.ContactAttempts.SingleAsync(Ct)).Outcome);
    }

    [Fact]
    public async Task A_dispute_stops_letters_too_and_the_entry_is_cancelled_naming_the_rule()
    {
        await using var harness = await OutreachHarness.StartAsync();
        await using (var db = harness.CreateContext())
        {
            db.Holds.Add(new Hold { AccountId = harness.AccountId, Kind = HoldKind.Dispute, Reason = "debtor disputes the invoice", From = Instant.FromUtc(2026, 11, 20, 8, 0) });
            await db.SaveChangesAsync(Ct);
        }

        var id = await harness.QueueAsync(ContactChannel.Letter, "second-reminder");

        await harness.NewDispatcher().DispatchOnceAsync(Ct);

        var entry = await harness.EntryAsync(id);
        Assert.Equal(ScheduledContactStatus.Cancelled, entry.Status);
        Assert.Contains("de.dispute-or-hold", entry.Outcome);
        Assert.Empty(Directory.GetFiles(harness.PrintQueue.Directory));
    }

    [Fact]
    public async Task A_template_missing_in_the_debtors_language_fails_the_entry_instead_of_sending_another_language()
    {
        // German is written in (de.yaml exists) but has no text for this stage; English has one.
        var folder = Directory.CreateTempSubdirectory("templates-").FullName;
        File.Copy(Testing.RepositoryRoot.Combine("config", "templates", "en.yaml"), Path.Combine(folder, "en.yaml"));
        await File.WriteAllTextAsync(Path.Combine(folder, "de.yaml"), "language: de\nculture: de-DE\noptOutNotice: \"Antworten Sie STOPP.\"\nsms:\n  first-reminder: \"Bitte zahlen Sie {amount}.\"\n", Ct);
        await using var harness = await OutreachHarness.StartAsync(folder);
        var sms = await harness.QueueAsync(ContactChannel.Sms, "payment-reminder-sms");
        var letter = await harness.QueueAsync(ContactChannel.Letter, "no-such-letter");
        var settlement = await harness.QueueAsync(ContactChannel.Letter, "settlement-confirmation", ContactPurpose.SettlementConfirmation);

        await harness.NewDispatcher().DispatchOnceAsync(Ct);

        var failed = await harness.EntryAsync(sms);
        Assert.Equal(ScheduledContactStatus.Failed, failed.Status);
        Assert.Contains("the account has no agreed settlement to confirm", (await harness.EntryAsync(settlement)).Outcome);
        Assert.Contains("de.yaml: no SMS template 'payment-reminder-sms'", failed.Outcome);
        Assert.Contains("no letter template 'no-such-letter'", (await harness.EntryAsync(letter)).Outcome);
        Assert.Equal(0, harness.Twilio.CreateRequests);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Two_nodes_working_one_queue_send_every_entry_exactly_once()
    {
        await using var harness = await OutreachHarness.StartAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 24; i++)
        {
            var account = await harness.AddAccountAsync($"DE-5{i:000}", $"+491511230{i:0000}");
            ids.Add(await harness.QueueAsync(ContactChannel.Sms, "first-reminder", account: account));
        }

        harness.Options.Dispatch.BatchSize = 5;
        var a = harness.NewDispatcher();
        var b = harness.NewDispatcher();
        async Task<int> DrainAsync(MessageDispatcher node)
        {
            var total = 0;
            for (int n; (n = await node.DispatchOnceAsync(Ct)) > 0;)
            {
                total += n;
            }

            return total;
        }

        var counts = await Task.WhenAll(DrainAsync(a), DrainAsync(b));

        Assert.Equal(24, counts.Sum());
        Assert.Equal(24, harness.Twilio.CreateRequests);
        Assert.Equal(24, harness.Twilio.Messages.Select(m => m.To).Distinct().Count());
        await using var db = harness.CreateContext();
        Assert.Equal(24, await db.ScheduledContacts.CountAsync(c => c.Status == ScheduledContactStatus.Done && c.Attempts == 1, Ct));
        Assert.Equal(24, await db.ContactAttempts.CountAsync(Ct));
    }

    private static Collections.Dialer.Messaging.Twilio.TwilioOptions Clone(Collections.Dialer.Messaging.Twilio.TwilioOptions o, string baseUrl) => new()
    {
        Enabled = o.Enabled, BaseUrl = baseUrl, AccountSid = o.AccountSid, AuthToken = o.AuthToken, SmsFrom = o.SmsFrom, WhatsAppFrom = o.WhatsAppFrom,
        MaxAttempts = o.MaxAttempts, InitialBackoff = o.InitialBackoff, RequestTimeout = TimeSpan.FromMinutes(1), ReconcileAfter = o.ReconcileAfter,
    };

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        // Bounded: 400 x 50 ms at most, then the assertion that follows fails.
        for (var i = 0; i < 400 && !await condition(); i++)
        {
            await Task.Delay(50, Ct);
        }
    }

    /// <summary>The PDF's text (poppler-utils' pdftotext; test.sh installs it).</summary>
    private static string PdfText(string pdf)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("pdftotext", ["-layout", pdf, "-"]) { RedirectStandardOutput = true })!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }
}
