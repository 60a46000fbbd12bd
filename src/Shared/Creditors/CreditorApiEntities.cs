using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>An API key of one creditor's system. Only its SHA-256 hash is stored: the key itself is shown once, when it is
/// created (<c>creditor key create</c>); the key id is its public part, printed again in lists and logs.</summary>
public sealed class CreditorApiKey
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The public part of the key ("ck_" and 16 hex digits), also its first characters.</summary>
    public required string KeyId { get; set; }

    public CreditorId CreditorId { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public required string Hash { get; set; }

    public Instant CreatedAt { get; set; }

    /// <summary>When the key was revoked; a revoked key is refused from then on.</summary>
    public Instant? RevokedAt { get; set; }

    /// <summary>When the key was last accepted (kept to the minute, so a busy key does not write on every request).</summary>
    public Instant? LastUsedAt { get; set; }
}

/// <summary>Binds a console user in the Creditor role to a creditor it may see. A user of a group of creditors is bound to
/// each of them; a Creditor user with no binding sees nothing.</summary>
public sealed class CreditorUser
{
    /// <summary>The console user's id (ASP.NET Core Identity).</summary>
    public required string UserId { get; set; }

    public CreditorId CreditorId { get; set; }
}

/// <summary>Where the creditor's system receives events (payments, promises, phase changes), and the secret they are signed
/// with. <see cref="ScannedUntil"/> is how far the case history has been turned into events.</summary>
public sealed class CreditorWebhook
{
    public CreditorId CreditorId { get; set; }

    /// <summary>An absolute http(s) URL the events are POSTed to.</summary>
    public required string Url { get; set; }

    /// <summary>The HMAC-SHA256 key of the <c>Collections-Signature</c> header.</summary>
    public required string Secret { get; set; }

    /// <summary>Events that happened before this instant have been queued.</summary>
    public Instant ScannedUntil { get; set; }
}

/// <summary>Where one webhook event stands.</summary>
public enum WebhookDeliveryStatus { Pending = 0, Delivered = 1, Failed = 2 }

/// <summary>One event for a creditor's system, queued once (by <see cref="EventKey"/>) and retried until delivered.</summary>
public sealed class CreditorWebhookDelivery
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public CreditorId CreditorId { get; set; }

    /// <summary>What the event is about, unique per creditor ("payment:{id}"): a rescan never queues it twice.</summary>
    public required string EventKey { get; set; }

    /// <summary>"payment.received", "promise.created", "case.phase-changed", "account.recalled".</summary>
    public required string Type { get; set; }

    /// <summary>The JSON body sent.</summary>
    public required string Payload { get; set; }

    public Instant OccurredAt { get; set; }

    public Instant CreatedAt { get; set; }

    public WebhookDeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public Instant NextAttemptAt { get; set; }

    public Instant? DeliveredAt { get; set; }

    /// <summary>Why the last attempt failed (the HTTP status or the network error).</summary>
    public string? LastError { get; set; }
}

/// <summary>A placement request made with an <c>Idempotency-Key</c> header, and the answer it got: the same key with the
/// same body gets the same answer again without placing anything.</summary>
public sealed class CreditorIdempotentRequest
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Who asked: the key id, or "user:" and the console user's id.</summary>
    public required string Caller { get; set; }

    public required string IdempotencyKey { get; set; }

    /// <summary>Hex SHA-256 of the request body.</summary>
    public required string RequestHash { get; set; }

    /// <summary>The answer's status code; 0 while the first request is still being worked.</summary>
    public int StatusCode { get; set; }

    public string? ResponseBody { get; set; }

    public Instant CreatedAt { get; set; }
}

/// <summary>The request for the creditor's consent to legal action on a case in legal review, where its policy asks for it
/// (<see cref="CreditorPolicy.LegalActionNeedsConsent"/>), and the creditor's answer. The legal team's decision to file makes
/// the request (<see cref="RequestedAt"/>); the answer is null until the creditor gives it in the portal. One per case: a
/// request after a refusal replaces the refused one (each request and answer stays on the case's timeline as a step).</summary>
public sealed class LegalActionConsent
{
    public CaseId CaseId { get; set; }

    public AccountId AccountId { get; set; }

    /// <summary>What the legal team asks to file: "court-claim" or "payment-order"; null for an answer given before requests
    /// were made by filing.</summary>
    public string? Filing { get; set; }

    /// <summary>"legal:" and the login of who asked.</summary>
    public string? RequestedBy { get; set; }

    public Instant? RequestedAt { get; set; }

    /// <summary>The legal team's note to the creditor.</summary>
    public string? RequestNote { get; set; }

    /// <summary>The creditor's answer; null while awaited.</summary>
    public bool? Approved { get; set; }

    /// <summary>"creditor:" and the login, or "key:" and the key id; null while awaited.</summary>
    public string? DecidedBy { get; set; }

    public Instant? DecidedAt { get; set; }

    /// <summary>The creditor's comment.</summary>
    public string? Note { get; set; }
}
