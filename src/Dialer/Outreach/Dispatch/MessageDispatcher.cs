using System.Collections.Concurrent;
using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Twilio;
using Collections.Dialer.Outreach.Letters;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.DueContacts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.Dialer.Outreach.Dispatch;

/// <summary>
/// Carries out the due SMS, WhatsApp, e-mail and letter entries of the queue of due contacts (<c>scheduled_contacts</c>):
/// claims a batch under a lease (several nodes never take the same entry), renders the entry's template (else its script
/// stage) through <see cref="OutboundMessageSender"/> or <see cref="PrintedLetterSender"/> under the key
/// <c>contact:{entry id}</c>, and settles the entry by what happened:
/// <list type="bullet">
/// <item>sent (or sent before, after a restart): Done, with the message and its ledger row linked;</item>
/// <item>refused by compliance until a known instant (calling hours, a hold that ends): queued again for that instant; refused
/// for good (an opt-out, a cease request, no rule pack): Cancelled, naming the rule;</item>
/// <item>failed for good (no address, no template in the debtor's language, the provider refused it): Failed, with why;</item>
/// <item>in doubt (the provider's answer was lost): stays Taken while reconciliation finds out; the next claim after the
/// lease asks again with the same key, which settles it instead of sending twice;</item>
/// <item>not sent (a transient error before anything left): queued again after an exponential backoff, failed after
/// <see cref="DispatchOptions.MaxAttempts"/> attempts.</item>
/// </list>
/// </summary>
public sealed partial class MessageDispatcher(
    DueContactQueue queue,
    OutboundMessageSender messages,
    PrintedLetterSender letters,
    IOptions<OutreachOptions> options,
    IOptions<TwilioOptions> twilio,
    TimeProvider time,
    ILogger<MessageDispatcher> logger)
{
    private readonly DispatchOptions settings = options.Value.Dispatch;

    /// <summary>The lease holder's name: host, process and a random part, so a restarted process never mistakes its
    /// predecessor's claims for its own.</summary>
    public string Node { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>The channels this node sends: SMS and WhatsApp only with Twilio configured (WhatsApp with its sender), e-mail
    /// and letters always.</summary>
    public DueContactFilter Filter { get; } = new(Channels(twilio.Value));

    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>Claims one batch of due entries and carries each out; returns how many were claimed.</summary>
    /// <remarks>SMS and WhatsApp entries of the batch go to <see cref="OutboundMessageSender.SendBatchAsync"/> together (a
    /// few commits for the batch, <see cref="DispatchOptions.Parallelism"/> requests on the wire); e-mails and letters one by
    /// one, <see cref="DispatchOptions.Parallelism"/> at a time. The entries that ended are settled in one transaction.</remarks>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var batch = await queue.ClaimAsync(Filter, settings.BatchSize, Node, Duration.FromTimeSpan(settings.Lease), cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        var settled = new ConcurrentQueue<Settlement>();
        var texts = new List<ScheduledContact>();
        var others = new List<ScheduledContact>();
        foreach (var entry in batch)
        {
            if (string.IsNullOrWhiteSpace(TemplateOf(entry)))
            {
                settled.Enqueue(new Settlement(entry.Id, ScheduledContactStatus.Failed, "failed: the entry names neither a template nor a script stage"));
            }
            else if (entry.Channel is ContactChannel.Sms or ContactChannel.WhatsApp)
            {
                texts.Add(entry);
            }
            else
            {
                others.Add(entry);
            }
        }

        if (texts.Count > 0)
        {
            IReadOnlyList<SendResult>? results = null;
            try
            {
                results = await messages.SendBatchAsync(
                    [.. texts.Select(e => new SendRequest(KeyFor(e.Id), e.AccountId, e.Channel, TemplateOf(e)!, Purpose: e.Purpose, ScheduledContactId: e.Id))],
                    settings.Parallelism, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The database failed mid-batch: every entry goes back and is asked again with its key, which never sends twice.
                foreach (var entry in texts)
                {
                    await ErrorAsync(entry, ex, cancellationToken);
                }
            }

            for (var i = 0; results is not null && i < texts.Count; i++)
            {
                await ApplyAsync(texts[i], results[i], settled, cancellationToken);
            }
        }

        await Parallel.ForEachAsync(others, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = cancellationToken },
            async (entry, ct) => await CarryOutAsync(entry, settled, ct));
        foreach (var id in await queue.SettleManyAsync([.. settled], Node, cancellationToken))
        {
            LogLeaseLost(logger, id);
        }

        return batch.Count;
    }

    /// <summary>The idempotency key of an entry's message or letter: one per entry, the same after any restart.</summary>
    public static string KeyFor(Guid entryId) => $"contact:{entryId}";

    private static string? TemplateOf(ScheduledContact entry) => entry.Template ?? entry.ScriptStage;

    /// <summary>Sends one claimed e-mail or letter entry.</summary>
    private async Task CarryOutAsync(ScheduledContact entry, ConcurrentQueue<Settlement> settled, CancellationToken cancellationToken)
    {
        var key = KeyFor(entry.Id);
        SendResult result;
        try
        {
            result = entry.Channel == ContactChannel.Letter
                ? await letters.SendAsync(new LetterRequest(key, entry.AccountId, TemplateOf(entry)!, entry.Purpose, entry.Id), cancellationToken)
                : await messages.SendAsync(new SendRequest(key, entry.AccountId, entry.Channel, TemplateOf(entry)!, Purpose: entry.Purpose, ScheduledContactId: entry.Id), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await ErrorAsync(entry, ex, cancellationToken);
            return;
        }

        await ApplyAsync(entry, result, settled, cancellationToken);
    }

    /// <summary>The database or a provider failed in a way the senders do not classify: the entry goes back to the queue and is
    /// asked again with the same key, which never sends twice.</summary>
    private async Task ErrorAsync(ScheduledContact entry, Exception ex, CancellationToken ct)
    {
        LogError(logger, entry.Id, ex);
        await queue.RetryAsync(entry.Id, Now + Backoff(entry.Attempts), $"error: {ex.GetType().Name}: {ex.Message}", ct);
    }

    private async Task ApplyAsync(ScheduledContact entry, SendResult result, ConcurrentQueue<Settlement> settled, CancellationToken ct)
    {
        void Settle(ScheduledContactStatus status, string outcome) => settled.Enqueue(new Settlement(entry.Id, status, outcome, result.AttemptId, result.MessageId));
        switch (result.Status)
        {
            case SendStatus.Sent:
            case SendStatus.AlreadySent when result.State is OutboundMessageState.Accepted or OutboundMessageState.Sent or OutboundMessageState.Delivered:
                Settle(ScheduledContactStatus.Done, $"sent: {result.ProviderId}");
                break;
            case SendStatus.AlreadySent when result.State is OutboundMessageState.Sending:
                await KeepInDoubtAsync(entry, result, ct);
                break;
            case SendStatus.AlreadySent:
                Settle(ScheduledContactStatus.Failed, $"failed: the message is {result.State}");
                break;
            case SendStatus.Refused:
                await RefusedAsync(entry, result.Decision!, settled, ct);
                break;
            case SendStatus.InDoubt:
                await KeepInDoubtAsync(entry, result, ct);
                break;
            case SendStatus.Uncertain:
                Settle(ScheduledContactStatus.Failed, $"uncertain: {result.Error}; an operator checks the provider's records");
                break;
            case SendStatus.NotSent:
                if (result.AttemptId is { } attempt)
                {
                    await queue.AttemptedAsync(entry.Id, attempt, ct);
                }

                var attempts = entry.Attempts + 1;
                if (attempts >= settings.MaxAttempts)
                {
                    Settle(ScheduledContactStatus.Failed, $"failed after {attempts} attempts: {result.Error}");
                }
                else
                {
                    var next = Now + Backoff(attempts);
                    LogRetry(logger, entry.Id, next.ToString(), result.Error ?? "");
                    await queue.RetryAsync(entry.Id, next, $"not sent, retry at {next}: {result.Error}", ct);
                }

                break;
            default:
                Settle(ScheduledContactStatus.Failed, $"failed: {result.Error}");
                break;
        }
    }

    private async Task RefusedAsync(ScheduledContact entry, ComplianceDecision decision, ConcurrentQueue<Settlement> settled, CancellationToken ct)
    {
        var rules = string.Join("; ", decision.Rules.Where(r => r.Verdict == RuleVerdict.Refused).Select(r => $"{r.Rule}: {r.Reason}"));
        if (decision.NextAllowedAt is { } next)
        {
            // Outside the debtor's hours (or a rule that lifts at a known instant): the entry waits for that instant, the
            // one `explain` shows as "next allowed".
            var at = next > Now ? next : Now + Duration.FromMinutes(1);
            LogDeferred(logger, entry.Id, at.ToString(), rules);
            await queue.RetryAsync(entry.Id, at, $"deferred to {at}: {rules}", ct);
            return;
        }

        // No instant will allow it (an opt-out of the channel, a cease-communication request, no rule pack): the contact is
        // cancelled rather than retried for ever; the workflow's next step goes on by its own rules.
        settled.Enqueue(new Settlement(entry.Id, ScheduledContactStatus.Cancelled, $"cancelled: refused for good: {rules}"));
    }

    private async Task KeepInDoubtAsync(ScheduledContact entry, SendResult result, CancellationToken ct)
    {
        // Whoever claims the entry after this lease asks the sender with the same key; by then reconciliation may run.
        var until = Now + Duration.FromTimeSpan(twilio.Value.ReconcileAfter) + Duration.FromSeconds(30);
        LogInDoubt(logger, entry.Id, until.ToString());
        await queue.KeepTakenAsync(entry.Id, Node, until, $"in doubt: {result.Error ?? "awaiting the provider's records"}", result.AttemptId, result.MessageId, ct);
    }

    /// <summary>RetryBackoff x 2^(attempts-1), capped by MaxRetryBackoff.</summary>
    private Duration Backoff(int attempts)
    {
        var wait = settings.RetryBackoff * Math.Pow(2, Math.Max(0, attempts - 1));
        return Duration.FromTimeSpan(wait > settings.MaxRetryBackoff ? settings.MaxRetryBackoff : wait);
    }

    private static ContactChannel[] Channels(TwilioOptions twilio)
    {
        var channels = new List<ContactChannel> { ContactChannel.Email, ContactChannel.Letter };
        if (twilio.Enabled)
        {
            channels.Add(ContactChannel.Sms);
            if (!string.IsNullOrEmpty(twilio.WhatsAppFrom))
            {
                channels.Add(ContactChannel.WhatsApp);
            }
        }

        return [.. channels];
    }

    [LoggerMessage(EventId = 5191, Level = LogLevel.Information, Message = "Queued contact {Id} deferred to {At} by {Rules}")]
    private static partial void LogDeferred(ILogger logger, Guid id, string at, string rules);

    [LoggerMessage(EventId = 5192, Level = LogLevel.Warning, Message = "Queued contact {Id} in doubt; asked again after {Until}")]
    private static partial void LogInDoubt(ILogger logger, Guid id, string until);

    [LoggerMessage(EventId = 5193, Level = LogLevel.Warning, Message = "Queued contact {Id} not sent, retry at {At}: {Error}")]
    private static partial void LogRetry(ILogger logger, Guid id, string at, string error);

    [LoggerMessage(EventId = 5194, Level = LogLevel.Error, Message = "Queued contact {Id} could not be carried out; queued again")]
    private static partial void LogError(ILogger logger, Guid id, Exception exception);

    [LoggerMessage(EventId = 5195, Level = LogLevel.Warning, Message = "Queued contact {Id} was no longer ours when its attempt ended (its lease ran out)")]
    private static partial void LogLeaseLost(ILogger logger, Guid id);
}
