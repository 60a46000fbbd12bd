using Collections.Dialer.Messaging.Email;
using Collections.Dialer.Messaging.Templates;
using Collections.Dialer.Messaging.Twilio;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.Dialer.Messaging;

/// <summary>A message to send: the stage's template on a channel for an account, under a key that makes it happen once.</summary>
/// <param name="IdempotencyKey">The caller's key, for example "first-reminder:{account}:2026-11-26"; a second request with it never sends again.</param>
/// <param name="Stage">Template stage, for example "first-reminder" or "pre-instalment-reminder".</param>
/// <param name="Attachments">Files for an e-mail (a demand letter as PDF).</param>
/// <param name="Purpose">Why the message is sent, written on its ledger row (the activity report reads it).</param>
/// <param name="ScheduledContactId">The queue entry (scheduled_contacts) the message carries out, written on the message and its ledger row.</param>
public sealed record SendRequest(
    string IdempotencyKey,
    AccountId AccountId,
    ContactChannel Channel,
    string Stage,
    IReadOnlyList<EmailAttachment>? Attachments = null,
    ContactPurpose? Purpose = null,
    Guid? ScheduledContactId = null);

/// <summary>How a send request ended.</summary>
public enum SendStatus
{
    /// <summary>The provider accepted the message now.</summary>
    Sent,

    /// <summary>A message with this key was sent before; nothing was sent now.</summary>
    AlreadySent,

    /// <summary>Compliance refused it (calling hours, opt-out, hold); nothing left, a later request with the same key may send.</summary>
    Refused,

    /// <summary>The provider refused it for good (a 4xx answer) or no address exists.</summary>
    Failed,

    /// <summary>The request may or may not have reached the provider; reconciliation settles it before anything is sent again.</summary>
    InDoubt,

    /// <summary>After a crash the provider's records could not tell whether it was sent; an operator decides.</summary>
    Uncertain,

    /// <summary>A transient error before anything left (rate limit, provider or mail server unreachable): nothing was sent; a
    /// later request with the same key sends it.</summary>
    NotSent,
}

/// <summary>The answer to a send request.</summary>
/// <param name="AttemptId">The message's ledger row, when one was reserved.</param>
public sealed record SendResult(
    SendStatus Status,
    OutboundMessageId? MessageId,
    OutboundMessageState? State,
    string? ProviderId = null,
    ComplianceDecision? Decision = null,
    string? Error = null,
    ContactAttemptId? AttemptId = null);

/// <summary>
/// Sends SMS, WhatsApp and e-mail so that a message leaves at most once, is compliant and is counted.
/// </summary>
/// <remarks>
/// The order is the guarantee. (1) The message is inserted with its idempotency key (unique in the database) and state
/// Reserved. (2) <see cref="ContactLedger.ReserveAsync"/> re-checks compliance (calling hours, opt-outs, holds) and commits a
/// pending ledger row, as for a call. (3) The state becomes Sending and is committed before the request leaves. (4) The
/// provider's answer records its id. A crash between (3) and (4) leaves "Sending": <see cref="ReconcileAsync"/> then lists the
/// account's messages between the two numbers at Twilio (the API takes no idempotency key, and does not echo our callback URL,
/// so the unique attributes are To, From, the exact Body and a creation time after our Sending instant, excluding SIDs
/// already recorded). Found: its SID is recorded, nothing is sent. Not found: the request never created a message, so the
/// ledger row is cancelled and the message goes through (2)-(4) again. Ambiguous (two candidates), or e-mail (SMTP cannot be
/// asked): Uncertain, for an operator, never resent on its own. Retries after a 5xx inside one send do the same lookup first.
/// </remarks>
public sealed partial class OutboundMessageSender(
    Func<CollectionsDbContext> createContext,
    ContactLedger ledger,
    MessageTemplates templates,
    TwilioMessagesClient twilio,
    SmtpEmailSender email,
    IOptions<TwilioOptions> twilioOptions,
    IOptions<MessagingOptions> messagingOptions,
    TimeProvider time,
    ILogger<OutboundMessageSender> logger)
{
    /// <summary>States from which a message may (still) be sent: nothing has left for it.</summary>
    private static readonly OutboundMessageState[] Resendable = [OutboundMessageState.Reserved, OutboundMessageState.Refused, OutboundMessageState.Retrying];

    /// <summary>How far Twilio's clock may be behind ours when matching creation times.</summary>
    private static readonly Duration ClockSkew = Duration.FromMinutes(1);

    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>Sends the request's message once; see the class remarks for the order of steps.</summary>
    public async Task<SendResult> SendAsync(SendRequest request, CancellationToken cancellationToken)
    {
        OutboundMessage message;
        await using (var db = createContext())
        {
            var existing = await db.OutboundMessages.FirstOrDefaultAsync(m => m.IdempotencyKey == request.IdempotencyKey, cancellationToken);
            if (existing is { State: OutboundMessageState.Sending })
            {
                // A send still within its time may be in flight in another worker: looking now could miss a message Twilio
                // is about to create, and resending would duplicate it. Only an old "sending" is reconciled.
                var settledBefore = Now - Duration.FromTimeSpan(twilioOptions.Value.ReconcileAfter);
                return existing.SendingAt > settledBefore
                    ? Result(SendStatus.InDoubt, existing, "a send with this key is in progress")
                    : await ReconcileOneAsync(existing.Id, request.Attachments, cancellationToken);
            }

            if (existing is not null && existing.State is not (OutboundMessageState.Reserved or OutboundMessageState.Refused or OutboundMessageState.Retrying))
            {
                LogDuplicate(logger, request.IdempotencyKey, existing.State);
                return Result(SendStatus.AlreadySent, existing);
            }

            var prepared = await PrepareAsync(db, request, cancellationToken);
            if (prepared.Error is not null)
            {
                return new SendResult(SendStatus.Failed, existing?.Id, existing?.State, Error: prepared.Error);
            }

            message = existing ?? new OutboundMessage { IdempotencyKey = request.IdempotencyKey, To = "", Template = "", Language = "", Body = "", CreatedAt = Now };
            Fill(message, request, prepared);
            if (existing is null)
            {
                db.OutboundMessages.Add(message);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another worker inserted the same key a moment ago: that one sends, this one reports it.
                await using var again = createContext();
                var winner = await again.OutboundMessages.AsNoTracking().FirstAsync(m => m.IdempotencyKey == request.IdempotencyKey, cancellationToken);
                return Result(SendStatus.AlreadySent, winner);
            }
        }

        return await ReserveAndDispatchAsync(message.Id, request.Attachments, request.Purpose, cancellationToken);
    }

    /// <summary>
    /// Sends many SMS and WhatsApp messages with the same guarantees as <see cref="SendAsync"/>, with a few commits for the
    /// whole batch instead of several per message: the new message rows in one, every ledger reservation (compliance
    /// checked for each) in one, the moves to Sending in one, then up to <paramref name="parallelism"/> requests on the wire
    /// at once, and every answer recorded in one. A key already known (in doubt, sent, or another channel) goes through
    /// <see cref="SendAsync"/> alone. Answers in the order of <paramref name="requests"/>.
    /// </summary>
    public async Task<IReadOnlyList<SendResult>> SendBatchAsync(IReadOnlyList<SendRequest> requests, int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new SendResult?[requests.Count];
        var alone = new List<int>();
        var fresh = new List<(int Index, OutboundMessage Message)>();
        var batch = new List<int>();
        await using (var db = createContext())
        {
            var keys = requests.Select(r => r.IdempotencyKey).ToList();
            var known = await db.OutboundMessages.AsNoTracking().Where(m => keys.Contains(m.IdempotencyKey)).Select(m => m.IdempotencyKey).ToListAsync(cancellationToken);
            for (var i = 0; i < requests.Count; i++)
            {
                var request = requests[i];
                if (request.Channel is not (ContactChannel.Sms or ContactChannel.WhatsApp) || known.Contains(request.IdempotencyKey) || keys.IndexOf(request.IdempotencyKey) != i)
                {
                    alone.Add(i);
                    continue;
                }

                batch.Add(i);
            }

            var preparedAll = await PrepareAllAsync(db, [.. batch.Select(i => requests[i])], cancellationToken);
            for (var b = 0; b < batch.Count; b++)
            {
                var (i, request, prepared) = (batch[b], requests[batch[b]], preparedAll[b]);
                if (prepared.Error is not null)
                {
                    results[i] = new SendResult(SendStatus.Failed, null, null, Error: prepared.Error);
                    continue;
                }

                var message = new OutboundMessage { IdempotencyKey = request.IdempotencyKey, To = "", Template = "", Language = "", Body = "", CreatedAt = Now };
                Fill(message, request, prepared);
                db.OutboundMessages.Add(message);
                fresh.Add((i, message));
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another worker inserted one of the keys a moment ago: each is asked alone, which reports the winner.
                alone.AddRange(fresh.Select(f => f.Index));
                fresh.Clear();
            }
        }

        if (fresh.Count > 0)
        {
            await SendFreshAsync(requests, fresh, results, parallelism, alone, cancellationToken);
        }

        foreach (var i in alone.Order())
        {
            results[i] = await SendAsync(requests[i], cancellationToken);
        }

        return results.Select(r => r!).ToList();
    }

    private async Task SendFreshAsync(IReadOnlyList<SendRequest> requests, List<(int Index, OutboundMessage Message)> fresh, SendResult?[] results, int parallelism, List<int> alone, CancellationToken cancellationToken)
    {
        IReadOnlyList<LedgerReservation> reservations;
        try
        {
            // Messages obey the same rules as calls (calling hours in the debtor's zone, opt-outs, holds) and are counted.
            reservations = await ledger.ReserveManyAsync(fresh.Select(f => new ContactRequest(f.Message.AccountId, new ContactTarget(f.Message.Channel, f.Message.To),
                CampaignContext.Predictive, Purpose: requests[f.Index].Purpose, ScheduledContactId: f.Message.ScheduledContactId)).ToList(), cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            // A concurrent reservation on a server database (serialization failure): the rows are stored as Reserved, so each
            // message goes through the ledger alone.
            LogBatchFallback(logger, fresh.Count, ex.Message);
            alone.AddRange(fresh.Select(f => f.Index));
            return;
        }

        // Committed before any request leaves, in one transaction; only the worker whose conditional update moves a message to
        // Sending sends it (see ReserveAndDispatchAsync).
        var sending = await InTransactionAsync(async db =>
        {
            var now = Now;
            var ready = new List<(int Index, OutboundMessage Message)>();
            for (var k = 0; k < fresh.Count; k++)
            {
                var (index, message) = fresh[k];
                var reservation = reservations[k];
                if (!reservation.MayProceed)
                {
                    var refusal = Truncate(Refusal(reservation.Decision), 1000);
                    await db.OutboundMessages.Where(m => m.Id == message.Id && Resendable.Contains(m.State)).ExecuteUpdateAsync(u => u
                        .SetProperty(m => m.State, OutboundMessageState.Refused)
                        .SetProperty(m => m.ErrorMessage, refusal)
                        .SetProperty(m => m.UpdatedAt, now), cancellationToken);
                    results[index] = new SendResult(SendStatus.Refused, message.Id, OutboundMessageState.Refused, Decision: reservation.Decision);
                    continue;
                }

                var attemptId = reservation.AttemptId;
                var won = await db.OutboundMessages.Where(m => m.Id == message.Id && Resendable.Contains(m.State)).ExecuteUpdateAsync(u => u
                    .SetProperty(m => m.State, OutboundMessageState.Sending)
                    .SetProperty(m => m.SendingAt, (Instant?)now)
                    .SetProperty(m => m.ContactAttemptId, attemptId)
                    .SetProperty(m => m.UpdatedAt, now), cancellationToken);
                if (won == 0)
                {
                    await MessageStates.AdvanceLedgerAsync(db, attemptId!.Value, ContactOutcome.Cancelled, null, now, cancellationToken);
                    results[index] = new SendResult(SendStatus.InDoubt, message.Id, null, Error: "another worker is sending this message");
                    continue;
                }

                message.State = OutboundMessageState.Sending;
                message.SendingAt = now;
                message.ContactAttemptId = attemptId;
                ready.Add((index, message));
            }

            return ready;
        }, cancellationToken);

        var outcomes = new TwilioOutcome[sending.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, sending.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (k, ct) => outcomes[k] = await PostTwilioAsync(sending[k].Message, ct));
        await InTransactionAsync(async db =>
        {
            for (var k = 0; k < sending.Count; k++)
            {
                results[sending[k].Index] = await RecordTwilioAsync(db, sending[k].Message, outcomes[k], cancellationToken);
            }

            return 0;
        }, cancellationToken);
    }

    /// <summary>Settles every message left in "sending" for longer than <see cref="TwilioOptions.ReconcileAfter"/> (after a crash or a lost answer).</summary>
    public async Task<IReadOnlyList<SendResult>> ReconcileAsync(CancellationToken cancellationToken)
    {
        var before = Now - Duration.FromTimeSpan(twilioOptions.Value.ReconcileAfter);
        List<OutboundMessageId> stuck;
        await using (var db = createContext())
        {
            stuck = await db.OutboundMessages.AsNoTracking()
                .Where(m => m.State == OutboundMessageState.Sending && m.SendingAt <= before)
                .OrderBy(m => m.SendingAt)
                .Select(m => m.Id)
                .ToListAsync(cancellationToken);
        }

        var results = new List<SendResult>();
        foreach (var id in stuck)
        {
            results.Add(await ReconcileOneAsync(id, null, cancellationToken));
        }

        return results;
    }

    private async Task<SendResult> ReconcileOneAsync(OutboundMessageId id, IReadOnlyList<EmailAttachment>? attachments, CancellationToken cancellationToken)
    {
        var message = await LoadAsync(id, cancellationToken);
        if (message.Channel == ContactChannel.Email)
        {
            // SMTP gives no way to ask whether a message was accepted: an operator checks the mail log.
            return await InTransactionAsync(db => MarkUncertainAsync(db, message, "e-mail outcome unknown after an interruption", cancellationToken), cancellationToken);
        }

        Lookup lookup;
        try
        {
            lookup = await FindAtTwilioAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is TwilioApiException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogReconcileFailed(logger, message.Id, ex.Message);
            return Result(SendStatus.InDoubt, message);
        }

        switch (lookup.Outcome)
        {
            case LookupOutcome.Found:
                LogReconciledFound(logger, message.Id, lookup.Message!.Sid);
                return await InTransactionAsync(db => RecordAcceptedAsync(db, message.Id, lookup.Message!, SendStatus.AlreadySent, cancellationToken), cancellationToken);
            case LookupOutcome.Ambiguous:
                return await InTransactionAsync(db => MarkUncertainAsync(db, message, "several messages at Twilio match", cancellationToken), cancellationToken);
            default:
                // Twilio never created it: cancel the old ledger row and go through compliance and sending afresh. Two
                // reconcilers may look at once (the background pass and a dispatcher asking with the same key, or two
                // nodes): only the one whose conditional update moves this very "sending" back to Reserved resends.
                if (!await ReleaseForResendAsync(message, cancellationToken))
                {
                    return Result(SendStatus.InDoubt, await LoadAsync(message.Id, cancellationToken), "another worker is settling this message");
                }

                LogReconciledMissing(logger, message.Id);
                if (message.ContactAttemptId is { } attempt)
                {
                    await ledger.CompleteAsync(attempt, new ContactResult(ContactOutcome.Cancelled), cancellationToken);
                }

                return await ReserveAndDispatchAsync(message.Id, attachments, null, cancellationToken);
        }
    }

    /// <summary>Moves the message from the "sending" it was read in back to Reserved; false when another worker did first.</summary>
    private async Task<bool> ReleaseForResendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var sendingAt = message.SendingAt;
        var now = Now;
        await using var db = createContext();
        return await db.OutboundMessages
            .Where(m => m.Id == message.Id && m.State == OutboundMessageState.Sending && m.SendingAt == sendingAt)
            .ExecuteUpdateAsync(u => u
                .SetProperty(m => m.State, OutboundMessageState.Reserved)
                .SetProperty(m => m.ContactAttemptId, (ContactAttemptId?)null)
                .SetProperty(m => m.SendingAt, (Instant?)null)
                .SetProperty(m => m.UpdatedAt, now), cancellationToken) == 1;
    }

    private async Task<SendResult> ReserveAndDispatchAsync(OutboundMessageId id, IReadOnlyList<EmailAttachment>? attachments, ContactPurpose? purpose, CancellationToken cancellationToken)
    {
        var message = await LoadAsync(id, cancellationToken);
        if (purpose is null && message.ScheduledContactId is { } entry)
        {
            // Reconciliation re-sends without the caller's request: the queue entry still says why the message is sent.
            await using var db = createContext();
            purpose = await db.ScheduledContacts.Where(c => c.Id == entry).Select(c => (ContactPurpose?)c.Purpose).FirstOrDefaultAsync(cancellationToken);
        }

        // Messages obey the same rules as calls (calling hours in the debtor's zone, opt-outs, holds) and are counted.
        var reservation = await ledger.ReserveAsync(
            new ContactRequest(message.AccountId, new ContactTarget(message.Channel, message.To), CampaignContext.Predictive,
                Purpose: purpose, ScheduledContactId: message.ScheduledContactId), cancellationToken);
        var now = Now;
        if (!reservation.MayProceed)
        {
            var refusal = Truncate(Refusal(reservation.Decision), 1000);
            await using (var db = createContext())
            {
                await db.OutboundMessages.Where(m => m.Id == id && Resendable.Contains(m.State)).ExecuteUpdateAsync(u => u
                    .SetProperty(m => m.State, OutboundMessageState.Refused)
                    .SetProperty(m => m.ErrorMessage, refusal)
                    .SetProperty(m => m.UpdatedAt, now), cancellationToken);
            }

            return new SendResult(SendStatus.Refused, id, OutboundMessageState.Refused, Decision: reservation.Decision);
        }

        // Committed before the request leaves, and only by one worker: two callers with the same key (a dispatcher and the
        // background reconciliation) both get a ledger row, but only the one whose conditional update moves the message to
        // Sending sends it; the other cancels its row.
        var attemptId = reservation.AttemptId;
        int won;
        await using (var db = createContext())
        {
            won = await db.OutboundMessages.Where(m => m.Id == id && Resendable.Contains(m.State)).ExecuteUpdateAsync(u => u
                .SetProperty(m => m.State, OutboundMessageState.Sending)
                .SetProperty(m => m.SendingAt, (Instant?)now)
                .SetProperty(m => m.ContactAttemptId, attemptId)
                .SetProperty(m => m.UpdatedAt, now), cancellationToken);
        }

        if (won == 0)
        {
            await ledger.CompleteAsync(attemptId!.Value, new ContactResult(ContactOutcome.Cancelled), cancellationToken);
            return Result(SendStatus.InDoubt, await LoadAsync(id, cancellationToken), "another worker is sending this message");
        }

        message = await LoadAsync(id, cancellationToken);
        return message.Channel == ContactChannel.Email
            ? await DispatchEmailAsync(message, attachments, cancellationToken)
            : await DispatchTwilioAsync(message, cancellationToken);
    }

    private async Task<SendResult> DispatchTwilioAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var outcome = await PostTwilioAsync(message, cancellationToken);
        return await InTransactionAsync(db => RecordTwilioAsync(db, message, outcome, cancellationToken), cancellationToken);
    }

    /// <summary>What happened on the wire for one message: the created resource, or the error, and how many requests left.</summary>
    private sealed record TwilioOutcome(TwilioMessageResource? Resource, Exception? Error, int Attempts);

    /// <summary>Puts the message on the wire (with the client's retries); writes nothing, so many can run at once.</summary>
    private async Task<TwilioOutcome> PostTwilioAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var whatsApp = message.Channel == ContactChannel.WhatsApp;
        var request = new TwilioSendRequest(
            TwilioAddress.For(whatsApp, message.To),
            TwilioAddress.For(whatsApp, message.From!),
            message.ContentSid is null ? message.Body : null,
            twilioOptions.Value.StatusCallbackUrl,
            message.ContentSid,
            message.ContentVariables);
        var attempts = 0;
        try
        {
            var resource = await twilio.CreateAsync(request, async ct =>
            {
                var lookup = await FindAtTwilioAsync(message, ct);
                return lookup.Outcome switch
                {
                    LookupOutcome.Found => lookup.Message,
                    LookupOutcome.Ambiguous => throw new AmbiguousLookupException(),
                    _ => null,
                };
            }, () => Interlocked.Increment(ref attempts), cancellationToken);
            return new TwilioOutcome(resource, null, attempts);
        }
        catch (Exception ex) when (ex is AmbiguousLookupException or TwilioApiException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new TwilioOutcome(null, ex, attempts);
        }
    }

    /// <summary>Records what <see cref="PostTwilioAsync"/> found, through <paramref name="db"/> (the caller's transaction).</summary>
    private async Task<SendResult> RecordTwilioAsync(CollectionsDbContext db, OutboundMessage message, TwilioOutcome outcome, CancellationToken cancellationToken)
    {
        var attempts = outcome.Attempts;
        await db.OutboundMessages.Where(m => m.Id == message.Id).ExecuteUpdateAsync(u => u.SetProperty(m => m.Attempts, m => m.Attempts + attempts), cancellationToken);
        switch (outcome.Error)
        {
            case null:
                return await RecordAcceptedAsync(db, message.Id, outcome.Resource!, SendStatus.Sent, cancellationToken);
            case var ex when NothingLeft(ex):
                // Rate limited after every attempt (429: refused before anything was made) or no connection to Twilio at
                // all: nothing exists at the provider, so the same key may send it later.
                return await NotSentAsync(db, message, ex is TwilioApiException api ? api.Code : null, ex.Message, cancellationToken);
            case AmbiguousLookupException:
                return await MarkUncertainAsync(db, message, "several messages at Twilio match", cancellationToken);
            case TwilioApiException ex when ex.Kind != TwilioErrorKind.ServerError:
            {
                // 4xx: the request was refused and nothing was created.
                var failed = await UpdateAsync(db, message.Id, m =>
                {
                    m.State = OutboundMessageState.Failed;
                    m.ErrorCode = ex.Code;
                    m.ErrorMessage = Truncate(ex.TwilioMessage, 1000);
                    m.UpdatedAt = Now;
                }, cancellationToken);
                await MessageStates.AdvanceLedgerAsync(db, message.ContactAttemptId!.Value, ContactOutcome.Failed, null, Now, cancellationToken);
                if (ex.Kind == TwilioErrorKind.RecipientUnsubscribed)
                {
                    await RecordCarrierOptOutAsync(db, failed, cancellationToken);
                }

                LogFailed(logger, message.Id, ex.Code, ex.TwilioMessage);
                return Result(SendStatus.Failed, failed, ex.Message);
            }

            default:
                // A 5xx after the last attempt, a dropped connection or a timeout: Twilio may have the message. It stays
                // "sending" and reconciliation decides; sending again now could deliver it twice.
                LogInDoubt(logger, message.Id, outcome.Error.Message);
                return new SendResult(SendStatus.InDoubt, message.Id, OutboundMessageState.Sending, Error: outcome.Error.Message, AttemptId: message.ContactAttemptId);
        }
    }

    /// <summary>Runs <paramref name="work"/> on one context in one transaction: one commit for all its writes.</summary>
    private async Task<T> InTransactionAsync<T>(Func<CollectionsDbContext, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await work(db);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async Task<SendResult> DispatchEmailAsync(OutboundMessage message, IReadOnlyList<EmailAttachment>? attachments, CancellationToken cancellationToken)
    {
        string debtorName;
        await using (var db = createContext())
        {
            var debtor = await db.Debtors.AsNoTracking().FirstAsync(d => d.Id == message.DebtorId, cancellationToken);
            debtorName = debtor.DisplayName;
        }

        var mime = email.Compose(debtorName, message.To, message.Subject ?? "", message.Body, attachments, message.Language);
        try
        {
            var id = await email.SendAsync(mime, cancellationToken);
            return await InTransactionAsync(async db =>
            {
                var sent = await UpdateAsync(db, message.Id, m =>
                {
                    m.Attempts++;
                    m.ProviderId = id;
                    m.State = OutboundMessageState.Sent;
                    m.UpdatedAt = Now;
                }, cancellationToken);
                await MessageStates.AdvanceLedgerAsync(db, message.ContactAttemptId!.Value, ContactOutcome.Sent, id, Now, cancellationToken);
                return Result(SendStatus.Sent, sent);
            }, cancellationToken);
        }
        catch (MailKit.Net.Smtp.SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
        {
            return await InTransactionAsync(async db =>
            {
                var failed = await UpdateAsync(db, message.Id, m =>
                {
                    m.Attempts++;
                    m.State = OutboundMessageState.Failed;
                    m.ErrorCode = (int)ex.StatusCode;
                    m.ErrorMessage = Truncate(ex.Message, 1000);
                    m.UpdatedAt = Now;
                }, cancellationToken);
                await MessageStates.AdvanceLedgerAsync(db, message.ContactAttemptId!.Value, ContactOutcome.Failed, null, Now, cancellationToken);
                return Result(SendStatus.Failed, failed, ex.Message);
            }, cancellationToken);
        }
        catch (SmtpNotSentException ex)
        {
            // The server refused the message with a transient reply (RFC 5321 4.2.1: 4yz) or could not be reached: it
            // took nothing, so the same key may send it later.
            return await InTransactionAsync(async db =>
            {
                await UpdateAsync(db, message.Id, m => m.Attempts++, cancellationToken);
                return await NotSentAsync(db, message, ex.StatusCode, ex.Message, cancellationToken);
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is MailKit.ProtocolException or MailKit.Net.Smtp.SmtpCommandException or System.Net.Sockets.SocketException or IOException)
        {
            await using (var db = createContext())
            {
                await UpdateAsync(db, message.Id, m => m.Attempts++, cancellationToken);
            }

            LogInDoubt(logger, message.Id, ex.Message);
            return new SendResult(SendStatus.InDoubt, message.Id, OutboundMessageState.Sending, Error: ex.Message);
        }
    }

    private async Task<SendResult> RecordAcceptedAsync(CollectionsDbContext db, OutboundMessageId id, TwilioMessageResource resource, SendStatus status, CancellationToken cancellationToken)
    {
        var state = MessageStates.FromTwilio(resource.Status) ?? OutboundMessageState.Accepted;
        // A status callback may already have moved the message on (or adopted the SID): both writes only go forward.
        await db.OutboundMessages.Where(m => m.Id == id && m.ProviderId == null)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ProviderId, resource.Sid), cancellationToken);
        await MessageStates.AdvanceAsync(db, id, state, resource.Sid, resource.ErrorCode, Now, cancellationToken);
        var message = await db.OutboundMessages.AsNoTracking().FirstAsync(m => m.Id == id, cancellationToken);
        await MessageStates.AdvanceLedgerAsync(db, message.ContactAttemptId!.Value, MessageStates.LedgerOutcome(message.State), resource.Sid, Now, cancellationToken);
        return Result(status, message);
    }

    private async Task<SendResult> NotSentAsync(CollectionsDbContext db, OutboundMessage message, int? code, string error, CancellationToken cancellationToken)
    {
        // The pending ledger row stood for a contact that never left: it is cancelled, as reconciliation does for a
        // message Twilio never created, so it counts toward no limit.
        await MessageStates.AdvanceLedgerAsync(db, message.ContactAttemptId!.Value, ContactOutcome.Cancelled, null, Now, cancellationToken);
        var retrying = await UpdateAsync(db, message.Id, m =>
        {
            m.State = OutboundMessageState.Retrying;
            m.ErrorCode = code;
            m.ErrorMessage = Truncate(error, 1000);
            m.SendingAt = null;
            m.UpdatedAt = Now;
        }, cancellationToken);
        LogNotSent(logger, message.Id, error);
        return Result(SendStatus.NotSent, retrying, error) with { AttemptId = message.ContactAttemptId };
    }

    /// <summary>True when <paramref name="ex"/> proves nothing reached Twilio: a 429 after the last attempt, or a connection
    /// that was never established (the request was not sent).</summary>
    private static bool NothingLeft(Exception ex) => ex switch
    {
        TwilioApiException api => api.Kind == TwilioErrorKind.RateLimited,
        HttpRequestException http => http.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError,
        _ => false,
    };

    private static string Refusal(ComplianceDecision decision) =>
        "refused: " + string.Join("; ", decision.Rules.Where(r => r.Verdict == RuleVerdict.Refused).Select(r => $"{r.Rule}: {r.Reason}"));

    private async Task<SendResult> MarkUncertainAsync(CollectionsDbContext db, OutboundMessage message, string reason, CancellationToken cancellationToken)
    {
        var updated = await UpdateAsync(db, message.Id, m =>
        {
            m.State = OutboundMessageState.Uncertain;
            m.ErrorMessage = reason;
            m.UpdatedAt = Now;
        }, cancellationToken);
        LogUncertain(logger, message.Id, reason);
        return Result(SendStatus.Uncertain, updated, reason);
    }

    /// <summary>Looks for the message at Twilio by its unique attributes (see the class remarks).</summary>
    private async Task<Lookup> FindAtTwilioAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var whatsApp = message.Channel == ContactChannel.WhatsApp;
        var listed = await twilio.ListAsync(TwilioAddress.For(whatsApp, message.To), TwilioAddress.For(whatsApp, message.From!), pageSize: 50, maxPages: 4, cancellationToken);
        var since = (message.SendingAt ?? message.CreatedAt) - ClockSkew;
        List<string> known;
        await using (var db = createContext())
        {
            known = await db.OutboundMessages.AsNoTracking()
                .Where(m => m.To == message.To && m.ProviderId != null && m.Id != message.Id)
                .Select(m => m.ProviderId!)
                .ToListAsync(cancellationToken);
        }

        var candidates = listed
            .Where(m => m.CreatedAt is { } created && Instant.FromDateTimeOffset(created) >= since)
            .Where(m => !known.Contains(m.Sid))
            .Where(m => message.ContentSid is not null || m.Body == message.Body)
            .ToList();
        return candidates.Count switch
        {
            0 => new Lookup(LookupOutcome.NotFound, null),
            1 => new Lookup(LookupOutcome.Found, candidates[0]),
            _ => new Lookup(LookupOutcome.Ambiguous, null),
        };
    }

    /// <summary>Twilio refuses numbers that texted STOP to our sender (error 21610): that is the debtor's opt-out, recorded as ours too.</summary>
    private async Task RecordCarrierOptOutAsync(CollectionsDbContext db, OutboundMessage message, CancellationToken cancellationToken)
    {
        var exists = await db.OptOuts.AnyAsync(o => o.DebtorId == message.DebtorId && o.Channel == message.Channel && o.Address == message.To && o.RevokedAt == null, cancellationToken);
        if (!exists)
        {
            db.OptOuts.Add(new OptOut { DebtorId = message.DebtorId, Channel = message.Channel, Address = message.To, At = Now, Source = "twilio:21610" });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private async Task<Prepared> PrepareAsync(CollectionsDbContext db, SendRequest request, CancellationToken cancellationToken) =>
        (await PrepareAllAsync(db, [request], cancellationToken))[0];

    /// <summary>Renders each request's message from the account's rows, read for all requests at once (a few queries for the
    /// whole batch, not a few per message).</summary>
    private async Task<IReadOnlyList<Prepared>> PrepareAllAsync(CollectionsDbContext db, IReadOnlyList<SendRequest> requests, CancellationToken cancellationToken)
    {
        var accountIds = requests.Select(r => r.AccountId).Distinct().ToList();
        var accounts = await db.Accounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        var debtorIds = accounts.Values.Select(a => a.DebtorId).Distinct().ToList();
        var creditorIds = accounts.Values.Select(a => a.CreditorId).Distinct().ToList();
        var debtors = await db.Debtors.AsNoTracking().Include(d => d.Phones).Include(d => d.Addresses).AsSplitQuery()
            .Where(d => debtorIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, cancellationToken);
        var creditors = await db.Creditors.AsNoTracking().Where(c => creditorIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var plans = (await db.InstalmentPlans.AsNoTracking().Include(p => p.Instalments)
                .Where(p => accountIds.Contains(p.AccountId) && p.Status == InstalmentPlanStatus.Active)
                .ToListAsync(cancellationToken))
            .GroupBy(p => p.AccountId).ToDictionary(g => g.Key, g => g.MaxBy(p => p.CreatedAt)!);
        var settlements = (await db.SettlementOffers.AsNoTracking()
                .Where(o => accountIds.Contains(o.AccountId) && (o.Status == Collections.Shared.Workflow.SettlementStatus.Agreed || o.Status == Collections.Shared.Workflow.SettlementStatus.Approved))
                .ToListAsync(cancellationToken))
            .GroupBy(o => o.AccountId).ToDictionary(g => g.Key, g => g.MaxBy(o => o.CreatedAt)!);
        var whatsAppNumbers = requests.Any(r => r.Channel == ContactChannel.WhatsApp)
            ? await WhatsAppSessionsOpenAsync(db, [.. debtors.Values.SelectMany(d => d.Phones).Select(p => p.E164)], cancellationToken)
            : new HashSet<string>();
        return requests.Select(request => accounts.TryGetValue(request.AccountId, out var account)
            ? Prepare(request, account, debtors[account.DebtorId], creditors[account.CreditorId], plans.GetValueOrDefault(account.Id), settlements.GetValueOrDefault(account.Id), whatsAppNumbers)
            : Prepared.Fail($"account {request.AccountId} does not exist")).ToList();
    }

    private Prepared Prepare(SendRequest request, Account account, Debtor debtor, Creditor creditor, InstalmentPlan? plan, Collections.Shared.Workflow.SettlementOffer? settlement, IReadOnlySet<string> whatsAppSessions)
    {
        var nextInstalment = plan?.Instalments.Where(i => i.Status is InstalmentStatus.Due or InstalmentStatus.PartlyPaid).OrderBy(i => i.DueDate).FirstOrDefault();
        var phone = debtor.Phones.Where(p => p.Kind is PhoneKind.Mobile or PhoneKind.Unknown).OrderBy(p => p.Priority).FirstOrDefault();
        var settings = twilioOptions.Value;
        var (to, from) = request.Channel switch
        {
            ContactChannel.Sms => (phone?.E164, settings.SmsFrom),
            ContactChannel.WhatsApp => (phone?.E164, settings.WhatsAppFrom),
            ContactChannel.Email => (debtor.Email, null),
            _ => (null, null),
        };
        if (request.Channel is not (ContactChannel.Sms or ContactChannel.WhatsApp or ContactChannel.Email))
        {
            return Prepared.Fail($"{request.Channel} is not a message channel");
        }

        if (to is null)
        {
            return Prepared.Fail(request.Channel == ContactChannel.Email ? "the debtor has no e-mail address" : "the debtor has no mobile number");
        }

        if (request.Channel != ContactChannel.Email && string.IsNullOrEmpty(from))
        {
            return Prepared.Fail($"no sender number configured for {request.Channel}");
        }

        var culture = templates.CultureFor(debtor.PreferredLanguage, debtor.CurrentAddress?.Country ?? phone?.Region);
        var values = TemplateValues.For(account, debtor, creditor, messagingOptions.Value.Agency, culture, nextInstalment, plan, settlement);
        values["deadline"] = Now.InUtc().Date.PlusDays(14).ToString("d", culture);
        try
        {
            var rendered = request.Channel switch
            {
                ContactChannel.Sms => templates.RenderSms(request.Stage, debtor.PreferredLanguage, values),
                ContactChannel.WhatsApp => templates.RenderWhatsApp(request.Stage, debtor.PreferredLanguage, values, whatsAppSessions.Contains(to)),
                _ => templates.RenderEmail(request.Stage, debtor.PreferredLanguage, values),
            };
            return new Prepared(account, to, from, rendered, null);
        }
        catch (TemplateException ex)
        {
            return Prepared.Fail(ex.Message);
        }
    }

    /// <summary>WhatsApp's customer service window: free-form messages only within 24 hours of the user's last message.
    /// Returns which of <paramref name="numbers"/> wrote to us within the window.</summary>
    private async Task<IReadOnlySet<string>> WhatsAppSessionsOpenAsync(CollectionsDbContext db, IReadOnlyList<string> numbers, CancellationToken cancellationToken)
    {
        var since = Now - Duration.FromHours(24);
        var open = await db.InboundMessages.AsNoTracking()
            .Where(m => m.Channel == ContactChannel.WhatsApp && numbers.Contains(m.From) && m.ReceivedAt >= since)
            .Select(m => m.From).Distinct().ToListAsync(cancellationToken);
        return open.ToHashSet(StringComparer.Ordinal);
    }

    private void Fill(OutboundMessage message, SendRequest request, Prepared prepared)
    {
        message.AccountId = request.AccountId;
        message.DebtorId = prepared.Account!.DebtorId;
        message.Channel = request.Channel;
        message.To = prepared.To!;
        message.From = prepared.From;
        message.Template = prepared.Rendered!.Template;
        message.Language = prepared.Rendered.Language;
        message.Body = prepared.Rendered.Body;
        message.Subject = prepared.Rendered.Subject;
        message.ContentSid = prepared.Rendered.ContentSid;
        message.ContentVariables = prepared.Rendered.ContentVariables;
        message.State = OutboundMessageState.Reserved;
        message.ScheduledContactId = request.ScheduledContactId;
        message.ErrorCode = null;
        message.ErrorMessage = null;
        message.UpdatedAt = Now;
    }

    private async Task<OutboundMessage> LoadAsync(OutboundMessageId id, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await db.OutboundMessages.AsNoTracking().FirstAsync(m => m.Id == id, cancellationToken);
    }

    private static async Task<OutboundMessage> UpdateAsync(CollectionsDbContext db, OutboundMessageId id, Action<OutboundMessage> change, CancellationToken cancellationToken)
    {
        var message = await db.OutboundMessages.FirstAsync(m => m.Id == id, cancellationToken);
        change(message);
        await db.SaveChangesAsync(cancellationToken);
        return message;
    }

    private static SendResult Result(SendStatus status, OutboundMessage message, string? error = null) =>
        new(status, message.Id, message.State, message.ProviderId, Error: error, AttemptId: message.ContactAttemptId);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private sealed record Prepared(Account? Account, string? To, string? From, RenderedMessage? Rendered, string? Error)
    {
        public static Prepared Fail(string error) => new(null, null, null, null, error);
    }

    private enum LookupOutcome { NotFound, Found, Ambiguous }

    private sealed record Lookup(LookupOutcome Outcome, TwilioMessageResource? Message);

    private sealed class AmbiguousLookupException : Exception;

    [LoggerMessage(EventId = 5151, Level = LogLevel.Information, Message = "Message key {Key} was handled before ({State}); not sending again")]
    private static partial void LogDuplicate(ILogger logger, string key, OutboundMessageState state);

    [LoggerMessage(EventId = 5152, Level = LogLevel.Warning, Message = "Message {MessageId} failed at the provider: {Code} {Error}")]
    private static partial void LogFailed(ILogger logger, OutboundMessageId messageId, int code, string error);

    [LoggerMessage(EventId = 5153, Level = LogLevel.Warning, Message = "Message {MessageId} in doubt, left for reconciliation: {Error}")]
    private static partial void LogInDoubt(ILogger logger, OutboundMessageId messageId, string error);

    [LoggerMessage(EventId = 5154, Level = LogLevel.Information, Message = "Reconciled message {MessageId}: Twilio has it as {Sid}; not sending again")]
    private static partial void LogReconciledFound(ILogger logger, OutboundMessageId messageId, string sid);

    [LoggerMessage(EventId = 5155, Level = LogLevel.Information, Message = "Reconciled message {MessageId}: Twilio never created it; sending it now")]
    private static partial void LogReconciledMissing(ILogger logger, OutboundMessageId messageId);

    [LoggerMessage(EventId = 5156, Level = LogLevel.Warning, Message = "Message {MessageId} marked uncertain for an operator: {Reason}")]
    private static partial void LogUncertain(ILogger logger, OutboundMessageId messageId, string reason);

    [LoggerMessage(EventId = 5157, Level = LogLevel.Warning, Message = "Reconciliation of message {MessageId} could not reach Twilio: {Error}")]
    private static partial void LogReconcileFailed(ILogger logger, OutboundMessageId messageId, string error);

    [LoggerMessage(EventId = 5159, Level = LogLevel.Warning, Message = "Batch of {Count} messages could not be reserved together ({Error}); reserving each alone")]
    private static partial void LogBatchFallback(ILogger logger, int count, string error);

    [LoggerMessage(EventId = 5158, Level = LogLevel.Warning, Message = "Message {MessageId} not sent (transient, nothing left): {Error}")]
    private static partial void LogNotSent(ILogger logger, OutboundMessageId messageId, string error);
}
