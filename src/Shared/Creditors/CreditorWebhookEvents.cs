using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;

namespace Collections.Shared.Creditors;

/// <summary>Turns what the workflow already writes (payments booked, promises made, case steps that moved a case to another
/// phase, recalls) into webhook events for each creditor that has a webhook, each queued once by its key. It reads the same
/// rows as the case timeline and the <c>activity</c> verb; nothing in the workflow has to remember to send anything.</summary>
public sealed class CreditorWebhookEvents(CollectionsDbContext db, TimeProvider time)
{
    /// <summary>Each scan reaches this far back before its watermark: a row written by a transaction that committed after the
    /// previous scan read past its time is still found (and the event key keeps it from being queued twice).</summary>
    public static readonly Duration Overlap = Duration.FromMinutes(5);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Queues the events that happened since each webhook's watermark; returns how many were new.</summary>
    public async Task<int> QueueNewAsync(CancellationToken ct = default)
    {
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var queued = 0;
        foreach (var hook in await db.CreditorWebhooks.ToListAsync(ct))
        {
            var since = hook.ScannedUntil - Overlap;
            var events = new List<CreditorWebhookDelivery>();
            var creditorId = hook.CreditorId;
            var accounts = db.Accounts.Where(a => a.CreditorId == creditorId);

            var payments = await (from p in db.Payments
                                   join a in accounts on p.AccountId equals a.Id
                                   where p.RecordedAt >= since && p.RecordedAt < now
                                   select new { p.Id, a.CreditorReference, p.Amount, p.Currency, p.ReceivedOn, p.Method, p.Reference, p.RecordedAt }).ToListAsync(ct);
            events.AddRange(payments.Select(p => Event(creditorId, $"payment:{p.Id}", "payment.received", p.RecordedAt, now, new
            {
                reference = p.CreditorReference, amount = p.Amount, currency = p.Currency, receivedOn = LocalDatePattern.Iso.Format(p.ReceivedOn),
                method = ContactTexts.Kebab(p.Method), paymentReference = p.Reference,
            })));

            var promises = await (from p in db.Promises
                                  join a in accounts on p.AccountId equals a.Id
                                  where p.CreatedAt >= since && p.CreatedAt < now
                                  select new { p.Id, a.CreditorReference, p.Amount, p.Currency, p.DueDate, p.Channel, p.CreatedAt }).ToListAsync(ct);
            events.AddRange(promises.Select(p => Event(creditorId, $"promise:{p.Id}", "promise.created", p.CreatedAt, now, new
            {
                reference = p.CreditorReference, amount = p.Amount, currency = p.Currency, due = LocalDatePattern.Iso.Format(p.DueDate), channel = p.Channel.Text(),
            })));

            // A phase change is a step carried out whose phase differs from the one before it (the first from "new").
            var moved = await (from s in db.CaseSteps
                               join c in db.Cases on s.CaseId equals c.Id
                               join a in accounts on c.AccountId equals a.Id
                               where s.Status == CaseStepStatus.Done && s.ExecutedAt >= since && s.ExecutedAt < now
                               select s.CaseId).Distinct().ToListAsync(ct);
            foreach (var chunk in moved.Chunk(500))
            {
                var steps = await (from s in db.CaseSteps
                                   join c in db.Cases on s.CaseId equals c.Id
                                   join a in db.Accounts on c.AccountId equals a.Id
                                   where chunk.Contains(s.CaseId) && s.Status == CaseStepStatus.Done && s.ExecutedAt < now
                                   select new { s.Id, s.CaseId, s.StepKey, s.Phase, s.ExecutedAt, a.CreditorReference }).ToListAsync(ct);
                foreach (var byCase in steps.GroupBy(s => s.CaseId))
                {
                    var previous = CasePhase.New;
                    foreach (var step in byCase.OrderBy(s => s.ExecutedAt))
                    {
                        if (step.Phase != previous && step.ExecutedAt >= since)
                        {
                            events.Add(Event(creditorId, $"phase:{step.Id}", "case.phase-changed", step.ExecutedAt!.Value, now, new
                            {
                                reference = step.CreditorReference, from = previous.Text(), to = step.Phase.Text(), step = step.StepKey,
                            }));
                        }

                        previous = step.Phase;
                    }
                }
            }

            var recalls = await (from h in db.Holds
                                 join a in accounts on h.AccountId equals a.Id
                                 where h.Kind == HoldKind.CreditorRecall && h.From >= since && h.From < now
                                 select new { h.Id, a.CreditorReference, h.Reason, h.From }).ToListAsync(ct);
            events.AddRange(recalls.Select(h => Event(creditorId, $"recall:{h.Id}", "account.recalled", h.From, now, new { reference = h.CreditorReference, reason = h.Reason })));

            var keys = events.Select(e => e.EventKey).ToList();
            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in keys.Chunk(500))
            {
                known.UnionWith(await db.CreditorWebhookDeliveries.Where(d => d.CreditorId == creditorId && chunk.Contains(d.EventKey)).Select(d => d.EventKey).ToListAsync(ct));
            }

            var fresh = events.Where(e => known.Add(e.EventKey)).OrderBy(e => e.OccurredAt).ToList();
            db.CreditorWebhookDeliveries.AddRange(fresh);
            hook.ScannedUntil = now;
            await db.SaveChangesAsync(ct);
            queued += fresh.Count;
        }

        return queued;
    }

    /// <summary>The <c>Collections-Signature</c> header of <paramref name="body"/> sent at <paramref name="unixSeconds"/>:
    /// <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, t + "." + body)&gt;</c>. The time is signed with the body so a
    /// captured request cannot be replayed later (the receiver refuses an old t), as RFC 2104 HMAC with a timestamp is
    /// used by Stripe's and GitHub's webhooks.</summary>
    public static string Signature(string secret, long unixSeconds, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}.{body}"));
        return $"t={unixSeconds},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>A new webhook secret (256 random bits, base64url).</summary>
    public static string NewSecret() => "whsec_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static CreditorWebhookDelivery Event(CreditorId creditorId, string key, string type, Instant occurredAt, Instant now, object data) => new()
    {
        CreditorId = creditorId,
        EventKey = key,
        Type = type,
        OccurredAt = occurredAt,
        CreatedAt = now,
        NextAttemptAt = now,
        Payload = JsonSerializer.Serialize(new { id = key, type, occurredAt = InstantPattern.ExtendedIso.Format(occurredAt), data }, Json),
    };
}
