using System.Net;
using Collections.Dialer.Messaging;
using Collections.Dialer.DemoCarrier.Messaging;
using Collections.Dialer.Messaging.Twilio;
using Collections.Testing;
using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Tests.Messaging;

[Trait("Category", "Integration")]
public sealed class TwilioMessagingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_SMS_is_sent_and_signed_status_callbacks_update_the_message_and_its_ledger_row()
    {
        await using var host = await MessagingHost.StartAsync();
        var result = await host.NewSender().SendAsync(new SendRequest("first-reminder:DE-4711", host.AccountId, ContactChannel.Sms, "first-reminder"), Ct);
        await host.Twilio.DrainCallbacksAsync();

        Assert.Equal(SendStatus.Sent, result.Status);
        var sent = Assert.Single(host.Twilio.Messages);
        Assert.Equal(MessagingHost.DebtorMobile, sent.To);
        Assert.Contains("120,00 €", sent.Body);
        Assert.Contains("15.10.2026", sent.Body);
        Assert.EndsWith("Keine SMS mehr? Antworten Sie STOPP.", sent.Body);
        Assert.Equal(["queued", "sent", "delivered"], host.Twilio.Callbacks.Select(c => c.Status));
        Assert.All(host.Twilio.Callbacks, c => Assert.Equal(HttpStatusCode.NoContent, c.Answer));

        await using var db = host.CreateContext();
        var message = await db.OutboundMessages.SingleAsync(Ct);
        Assert.Equal(OutboundMessageState.Delivered, message.State);
        Assert.Equal(sent.Sid, message.ProviderId);
        var row = await db.ContactAttempts.SingleAsync(Ct);
        Assert.Equal(ContactChannel.Sms, row.Channel);
        Assert.Equal(ContactOutcome.Delivered, row.Outcome);
        Assert.Equal(sent.Sid, row.ExternalId);
    }

    [Fact]
    public async Task WhatsApp_uses_the_content_template_outside_the_session_window_and_free_text_inside_it()
    {
        await using var host = await MessagingHost.StartAsync();
        host.Twilio.SetOutcome(MessagingHost.DebtorMobile, SimulatedOutcome.Undelivered);
        var sender = host.NewSender();
        var first = await sender.SendAsync(new SendRequest("wa-1", host.AccountId, ContactChannel.WhatsApp, "first-reminder"), Ct);
        await host.Twilio.DrainCallbacksAsync();

        // The debtor writes back: WhatsApp's 24-hour window opens, the text lands in the operators' queue.
        var inbound = await host.Twilio.SendInboundAsync(host.InboundUrl, "whatsapp:" + MessagingHost.DebtorMobile, "whatsapp:+4930555001", "Ich zahle am Freitag");
        Assert.Equal(HttpStatusCode.OK, inbound.StatusCode);
        host.Twilio.SetOutcome(MessagingHost.DebtorMobile, SimulatedOutcome.Delivered);
        var second = await sender.SendAsync(new SendRequest("wa-2", host.AccountId, ContactChannel.WhatsApp, "first-reminder"), Ct);
        await host.Twilio.DrainCallbacksAsync();

        Assert.Equal(SendStatus.Sent, first.Status);
        Assert.Equal(SendStatus.Sent, second.Status);
        var messages = host.Twilio.Messages;
        Assert.All(messages, m => Assert.Equal("whatsapp:" + MessagingHost.DebtorMobile, m.To));
        Assert.StartsWith("[content template HX", messages[0].Body);
        Assert.StartsWith("Collections Demo Agency im Auftrag von Telco Deutschland GmbH", messages[1].Body);

        await using var db = host.CreateContext();
        var states = await db.OutboundMessages.OrderBy(m => m.CreatedAt).ThenBy(m => m.IdempotencyKey).Select(m => new { m.IdempotencyKey, m.State, m.ErrorCode }).ToListAsync(Ct);
        Assert.Equal(OutboundMessageState.Undelivered, states.Single(s => s.IdempotencyKey == "wa-1").State);
        Assert.Equal(30003, states.Single(s => s.IdempotencyKey == "wa-1").ErrorCode);
        Assert.Equal(OutboundMessageState.Delivered, states.Single(s => s.IdempotencyKey == "wa-2").State);
        var outcomes = await db.ContactAttempts.Select(a => a.Outcome).ToListAsync(Ct);
        Assert.Equivalent(new[] { ContactOutcome.Undelivered, ContactOutcome.Delivered }, outcomes);
        var queued = Assert.Single(await db.InboundMessages.Where(m => m.HandledAt == null).ToListAsync(Ct));
        Assert.Equal("Ich zahle am Freitag", queued.Body);
        Assert.Equal(host.DebtorId, queued.DebtorId);
    }

    [Fact]
    public async Task Callbacks_with_a_bad_or_missing_signature_are_refused_with_403_and_change_nothing()
    {
        await using var host = await MessagingHost.StartAsync();
        host.Twilio.SetOutcome(MessagingHost.DebtorMobile, SimulatedOutcome.Undelivered);
        var result = await host.NewSender().SendAsync(new SendRequest("k", host.AccountId, ContactChannel.Sms, "first-reminder"), Ct);
        await host.Twilio.DrainCallbacksAsync();
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", result.ProviderId!), new("MessageStatus", "delivered"), new("To", MessagingHost.DebtorMobile), new("AccountSid", MessagingHost.AccountSid),
        };
        var signedForOtherValues = TwilioSignature.Compute(MessagingHost.AuthToken, host.StatusUrl.AbsoluteUri, [.. parameters[..1], new("MessageStatus", "failed"), .. parameters[2..]]);
        var signedWithOtherToken = TwilioSignature.Compute("another-token", host.StatusUrl.AbsoluteUri, parameters);

        var tampered = await host.Twilio.PostSignedAsync(host.StatusUrl, parameters, signedForOtherValues);
        var foreign = await host.Twilio.PostSignedAsync(host.StatusUrl, parameters, signedWithOtherToken);
        using var unsigned = await host.Client.PostAsync(host.StatusUrl, new FormUrlEncodedContent(parameters), Ct);
        var inboundStop = await host.Twilio.SendInboundAsync(host.InboundUrl, MessagingHost.DebtorMobile, "+4930555000", "STOP", signature: "AAAA");

        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, inboundStop.StatusCode);
        await using var db = host.CreateContext();
        Assert.Equal(OutboundMessageState.Undelivered, (await db.OutboundMessages.SingleAsync(Ct)).State);
        Assert.Empty(await db.OptOuts.ToListAsync(Ct));
        Assert.Empty(await db.InboundMessages.ToListAsync(Ct));
    }

    [Theory]
    [InlineData("STOP")]
    [InlineData("Stopp")]
    [InlineData("abmelden bitte")]
    public async Task An_inbound_stop_word_records_an_opt_out_and_stops_the_next_message(string body)
    {
        await using var host = await MessagingHost.StartAsync();
        var reply = await host.Twilio.SendInboundAsync(host.InboundUrl, MessagingHost.DebtorMobile, "+4930555000", body);
        var next = await host.NewSender().SendAsync(new SendRequest("after-stop", host.AccountId, ContactChannel.Sms, "first-reminder"), Ct);

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal(SendStatus.Refused, next.Status);
        Assert.Contains(next.Decision!.Rules, r => r.Rule == "de.opt-out" && r.Verdict == Collections.Shared.Compliance.RuleVerdict.Refused);
        Assert.Equal(0, host.Twilio.CreateRequests);
        await using var db = host.CreateContext();
        var optOut = await db.OptOuts.SingleAsync(Ct);
        Assert.Equal((ContactChannel?)ContactChannel.Sms, optOut.Channel);
        Assert.Equal(MessagingHost.DebtorMobile, optOut.Address);
        Assert.Empty(await db.ContactAttempts.ToListAsync(Ct));
        Assert.Empty(await db.InboundMessages.Where(m => m.HandledAt == null).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_message_whose_answer_was_lost_in_a_crash_is_reconciled_after_restart_and_sent_once()
    {
        await using var host = await MessagingHost.StartAsync();
        // Without callbacks only the lookup at Twilio can settle the message (a callback would adopt the SID first).
        host.Twilio.SendCallbacks = false;
        host.Twilio.InjectFault(FakeTwilioFault.DropAfterCreate);
        var request = new SendRequest("crash-1", host.AccountId, ContactChannel.Sms, "first-reminder");

        var beforeCrash = await host.NewSender().SendAsync(request, Ct);
        Assert.Equal(SendStatus.InDoubt, beforeCrash.Status);
        // An immediate retry with the same key could race a send still in flight: it neither looks nor sends.
        Assert.Equal(SendStatus.InDoubt, (await host.NewSender().SendAsync(request, Ct)).Status);
        Assert.Equal(1, host.Twilio.CreateRequests);

        // The process restarts: a new sender reconciles what was left "sending", and the caller retries the same key.
        host.Clock.Advance(host.Options.ReconcileAfter);
        var restarted = host.NewSender();
        var reconciled = Assert.Single(await restarted.ReconcileAsync(Ct));
        var retried = await restarted.SendAsync(request, Ct);
        await host.Twilio.DrainCallbacksAsync();

        Assert.Equal(SendStatus.AlreadySent, reconciled.Status);
        Assert.Equal(SendStatus.AlreadySent, retried.Status);
        Assert.Equal(1, host.Twilio.CreateRequests);
        var only = Assert.Single(host.Twilio.Messages);
        await using var db = host.CreateContext();
        var message = await db.OutboundMessages.SingleAsync(Ct);
        Assert.Equal(only.Sid, message.ProviderId);
        Assert.Equal(OutboundMessageState.Delivered, message.State); // the list showed it delivered already
        var row = await db.ContactAttempts.SingleAsync(Ct);
        Assert.Equal(ContactOutcome.Delivered, row.Outcome);
        Assert.Equal(only.Sid, row.ExternalId);
    }

    [Fact]
    public async Task A_server_error_after_the_message_was_created_is_not_retried_into_a_duplicate()
    {
        await using var host = await MessagingHost.StartAsync();
        host.Twilio.InjectFault(FakeTwilioFault.ServerErrorAfterCreate);
        var result = await host.NewSender().SendAsync(new SendRequest("5xx", host.AccountId, ContactChannel.Sms, "first-reminder"), Ct);

        Assert.Equal(SendStatus.Sent, result.Status);
        Assert.Equal(1, host.Twilio.CreateRequests);
        Assert.Equal(result.ProviderId, Assert.Single(host.Twilio.Messages).Sid);
    }

    [Fact]
    public async Task A_send_that_never_reached_Twilio_is_sent_by_reconciliation_and_a_429_is_retried()
    {
        await using var host = await MessagingHost.StartAsync();
        host.Twilio.InjectFault(FakeTwilioFault.ServerErrorBeforeCreate);
        host.Twilio.InjectFault(FakeTwilioFault.ServerErrorBeforeCreate);
        host.Twilio.InjectFault(FakeTwilioFault.RateLimited);
        var first = await host.NewSender().SendAsync(new SendRequest("lost", host.AccountId, ContactChannel.Sms, "first-reminder"), Ct);
        Assert.Equal(SendStatus.InDoubt, first.Status);
        Assert.Empty(host.Twilio.Messages);

        host.Clock.Advance(host.Options.ReconcileAfter);
        var reconciled = Assert.Single(await host.NewSender().ReconcileAsync(Ct));
        await host.Twilio.DrainCallbacksAsync();

        Assert.Equal(SendStatus.Sent, reconciled.Status);
        Assert.Equal(4, host.Twilio.CreateRequests); // two 503s, one 429, one accepted
        Assert.Single(host.Twilio.Messages);
        await using var db = host.CreateContext();
        var outcomes = await db.ContactAttempts.OrderBy(a => a.StartedAt).Select(a => a.Outcome).ToListAsync(Ct);
        Assert.Equivalent(new[] { ContactOutcome.Cancelled, ContactOutcome.Delivered }, outcomes);
    }

    [Fact]
    public async Task Twilio_errors_are_typed_and_a_21610_unsubscribed_number_becomes_an_opt_out()
    {
        await using var host = await MessagingHost.StartAsync();
        host.Twilio.Unsubscribe(MessagingHost.DebtorMobile);
        var result = await host.NewSender().SendAsync(new SendRequest("blocked", host.AccountId, ContactChannel.Sms, "first-reminder"), Ct);

        Assert.Equal(SendStatus.Failed, result.Status);
        await using var db = host.CreateContext();
        var message = await db.OutboundMessages.SingleAsync(Ct);
        Assert.Equal(21610, message.ErrorCode);
        Assert.Equal(ContactOutcome.Failed, (await db.ContactAttempts.SingleAsync(Ct)).Outcome);
        Assert.Equal("twilio:21610", (await db.OptOuts.SingleAsync(Ct)).Source);
    }

    [Fact]
    public void Enabled_messaging_with_a_bad_account_sid_stops_the_host_naming_the_key()
    {
        using var factory = new Hosting.ConsoleFactory(("Collections:Demo:Enabled", "false"), ("Collections:Messaging:Twilio:Enabled", "true"),
            ("Collections:Messaging:Twilio:AccountSid", "AC123"), ("Collections:Messaging:Twilio:AuthToken", "t"), ("Collections:Messaging:Twilio:SmsFrom", "+4930555000"));
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Collections:Messaging:Twilio:AccountSid", error.GetBaseException().Message);
    }

    [Fact]
    public async Task The_reconciliation_service_settles_a_crashed_send_when_the_process_starts()
    {
        await using var host = await MessagingHost.StartAsync();
        host.Twilio.SendCallbacks = false;
        host.Twilio.InjectFault(FakeTwilioFault.DropAfterCreate);
        await host.NewSender().SendAsync(new SendRequest("boot", host.AccountId, ContactChannel.Sms, "first-reminder"), Ct);
        host.Clock.Advance(host.Options.ReconcileAfter);

        using var service = new MessageReconciliationService(host.NewSender(), Microsoft.Extensions.Options.Options.Create(host.Options), host.Clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<MessageReconciliationService>.Instance);
        await service.StartAsync(Ct);
        OutboundMessageState state;
        var polls = 0;
        do
        {
            // Bounded wait for the first pass (it runs at start, not on a timer tick): 200 x 50 ms at most.
            await Task.Delay(50, Ct);
            await using var db = host.CreateContext();
            state = (await db.OutboundMessages.SingleAsync(Ct)).State;
        }
        while (state == OutboundMessageState.Sending && ++polls < 200);
        await service.StopAsync(Ct);

        Assert.Equal(OutboundMessageState.Delivered, state);
        Assert.Equal(1, host.Twilio.CreateRequests);
    }
}
