using System.Data.Common;
using System.Data;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Shared.Compliance;

/// <summary>A call or message about to leave: which account, where to, from which campaign and agent, dialed how, why, and
/// for which queue entry (scheduled_contacts) when it carries one out.</summary>
public sealed record ContactRequest(
    AccountId AccountId,
    ContactTarget Target,
    CampaignContext Campaign,
    CampaignId? CampaignId = null,
    AgentId? AgentId = null,
    ContactPurpose? Purpose = null,
    Guid? ScheduledContactId = null);

/// <summary>The ledger's answer: a pending row was committed (go ahead) or the contact was refused (nothing written).</summary>
/// <param name="AttemptId">The committed pending row; null when refused.</param>
public sealed record LedgerReservation(ContactAttemptId? AttemptId, ComplianceDecision Decision)
{
    public bool MayProceed => AttemptId is not null;
}

/// <summary>How a contact ended, written over the pending row.</summary>
public sealed record ContactResult(
    ContactOutcome Outcome,
    bool RightPartyContact = false,
    bool AmdFlagged = false,
    string? ExternalId = null);

/// <summary>
/// The contact ledger's discipline: a row with Outcome=Pending is committed, after compliance is re-checked inside the same
/// transaction, before any dial or message leaves; the outcome is written later. A crash in between leaves the pending row,
/// and pending rows count toward every frequency limit (12 CFR 1006.14(b)(2) counts calls placed, not calls completed).
/// </summary>
public sealed partial class ContactLedger(ComplianceEngine engine, Func<CollectionsDbContext> createContext, TimeProvider time, ILogger<ContactLedger> logger)
{
    /// <summary>This process, written on every row it reserves so its open calls can be closed after it stops (null: not tracked,
    /// as in a one-shot CLI verb that waits for its calls to end).</summary>
    public string? Node { get; init; }

    /// <summary>Attempts of one reservation that lost a serialization conflict to a concurrent one (PostgreSQL 40001).</summary>
    internal const int ConflictAttempts = 4;

    /// <summary>
    /// Re-checks compliance and, when allowed, commits a pending ledger row; call before the dial or message leaves. A
    /// reservation that loses a serialization conflict to a concurrent one for the same debtor (PostgreSQL 40001, a
    /// deadlock victim 40P01) is evaluated again from the start, so it sees the winner's row and counts it against the caps.
    /// </summary>
    public async Task<LedgerReservation> ReserveAsync(ContactRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReserveOnceAsync(request, cancellationToken);
            }
            catch (Exception ex) when (attempt < ConflictAttempts && IsSerializationConflict(ex))
            {
                LogConflict(logger, request.AccountId, attempt);
            }
        }
    }

    /// <summary>True when <paramref name="exception"/> (or one it wraps) is the database refusing a transaction that raced
    /// another: SQLSTATE 40001 serialization failure or 40P01 deadlock; the transaction may succeed if run again.</summary>
    internal static bool IsSerializationConflict(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { SqlState: "40001" or "40P01" })
            {
                return true;
            }
        }

        return false;
    }

    private async Task<LedgerReservation> ReserveOnceAsync(ContactRequest request, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());

        // Serializable, and the row is inserted before the rules read the ledger. On SQLite a non-deferred transaction
        // (BEGIN IMMEDIATE) holds the write lock from the start, so a second reservation waits and then sees this row; on
        // PostgreSQL two concurrent reservations for the same account conflict at commit (serialization failure, 40001)
        // instead of both passing a limit.
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        var debtorId = await db.Accounts.Where(a => a.Id == request.AccountId).Select(a => (DebtorId?)a.DebtorId).FirstOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Account {request.AccountId} does not exist.");
        var row = new ContactAttempt
        {
            AccountId = request.AccountId,
            DebtorId = debtorId,
            Channel = request.Target.Channel,
            Address = request.Target.Address,
            CampaignId = request.CampaignId,
            AgentId = request.AgentId,
            StartedAt = now,
            Outcome = ContactOutcome.Pending,
            Purpose = request.Purpose,
            ScheduledContactId = request.ScheduledContactId,
            Node = Node,
        };
        db.ContactAttempts.Add(row);
        await db.SaveChangesAsync(cancellationToken);

        var subject = await ComplianceSnapshotLoader.LoadAsync(db, request.AccountId, now, cancellationToken)
            ?? throw new InvalidOperationException($"Account {request.AccountId} vanished inside its own transaction.");
        var others = new ComplianceSubject
        {
            Account = subject.Account,
            Debtor = subject.Debtor,
            OptOuts = subject.OptOuts,
            Holds = subject.Holds,
            Ledger = subject.Ledger.Where(a => a.Id != row.Id).ToList(),
        };
        var decision = engine.Evaluate(others, request.Target, request.Campaign, now);
        if (!decision.Allowed)
        {
            await transaction.RollbackAsync(cancellationToken);
            var refusedBy = string.Join(",", decision.Rules.Where(r => r.Verdict == RuleVerdict.Refused).Select(r => r.Rule));
            LogRefused(logger, request.AccountId, request.Target.Channel, Mask(request.Target.Address), refusedBy);
            return new LedgerReservation(null, decision);
        }

        await transaction.CommitAsync(cancellationToken);
        LogReserved(logger, row.Id, request.AccountId, request.Target.Channel, Mask(request.Target.Address));
        return new LedgerReservation(row.Id, decision);
    }

    /// <summary>
    /// <see cref="ReserveAsync"/> for many contacts in one transaction (one commit): each request's pending row is inserted
    /// before the rules read the ledger, so requests of the batch count toward each other's limits; a refused request's row is
    /// removed again before the next is checked. Answers in the order of <paramref name="requests"/>. On PostgreSQL a
    /// concurrent reservation for one of the accounts makes the whole batch fail at commit (40001): reserve one by one then.
    /// </summary>
    public async Task<IReadOnlyList<LedgerReservation>> ReserveManyAsync(IReadOnlyList<ContactRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        await using var db = createContext();
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        var accountIds = requests.Select(r => r.AccountId).Distinct().ToList();
        var debtors = await db.Accounts.Where(a => accountIds.Contains(a.Id)).Select(a => new { a.Id, a.DebtorId }).ToDictionaryAsync(a => a.Id, a => a.DebtorId, cancellationToken);
        var rows = requests.Select(request => new ContactAttempt
        {
            AccountId = request.AccountId,
            DebtorId = debtors.TryGetValue(request.AccountId, out var debtorId) ? debtorId : throw new InvalidOperationException($"Account {request.AccountId} does not exist."),
            Channel = request.Target.Channel,
            Address = request.Target.Address,
            CampaignId = request.CampaignId,
            AgentId = request.AgentId,
            StartedAt = now,
            Outcome = ContactOutcome.Pending,
            Purpose = request.Purpose,
            ScheduledContactId = request.ScheduledContactId,
        }).ToList();
        db.ContactAttempts.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);

        // Read once for the batch, after the rows went in: each request sees the others' pending rows, less the refused ones.
        var subjects = await ComplianceSnapshotLoader.LoadManyAsync(db, accountIds, now, cancellationToken);
        var removed = new HashSet<ContactAttemptId>();
        var results = new List<LedgerReservation>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var subject = subjects.GetValueOrDefault(requests[i].AccountId)
                ?? throw new InvalidOperationException($"Account {requests[i].AccountId} vanished inside its own transaction.");
            var others = new ComplianceSubject
            {
                Account = subject.Account,
                Debtor = subject.Debtor,
                OptOuts = subject.OptOuts,
                Holds = subject.Holds,
                Ledger = subject.Ledger.Where(a => a.Id != rows[i].Id && !removed.Contains(a.Id)).ToList(),
            };
            var decision = engine.Evaluate(others, requests[i].Target, requests[i].Campaign, now);
            if (decision.Allowed)
            {
                results.Add(new LedgerReservation(rows[i].Id, decision));
                continue;
            }

            db.ContactAttempts.Remove(rows[i]);
            removed.Add(rows[i].Id);
            var refusedBy = string.Join(",", decision.Rules.Where(r => r.Verdict == RuleVerdict.Refused).Select(r => r.Rule));
            LogRefused(logger, requests[i].AccountId, requests[i].Target.Channel, Mask(requests[i].Target.Address), refusedBy);
            results.Add(new LedgerReservation(null, decision));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var (request, result) in requests.Zip(results).Where(p => p.Second.MayProceed))
        {
            LogReserved(logger, result.AttemptId!.Value, request.AccountId, request.Target.Channel, Mask(request.Target.Address));
        }

        return results;
    }

    /// <summary>
    /// A call the debtor made to us, matched to <paramref name="accountId"/> by the caller's number: a pending ledger row with
    /// purpose inbound under <paramref name="attemptId"/> (the call's one identity), written without a compliance check. The
    /// rules govern contacts we initiate (12 CFR 1006.14(b)(2) counts calls the collector "places"; calling hours, caps and
    /// opt-outs concern our calls and messages): nothing may refuse to take a debtor's call. The row is the record of the
    /// conversation (a right-party contact starts the quiet period of 1006.14(b)(2)(i)(B) like any other).
    /// </summary>
    public async Task RecordInboundAsync(ContactAttemptId attemptId, AccountId accountId, string from, string? externalId, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var debtorId = await db.Accounts.Where(a => a.Id == accountId).Select(a => (DebtorId?)a.DebtorId).FirstOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Account {accountId} does not exist.");
        db.ContactAttempts.Add(new ContactAttempt
        {
            Id = attemptId,
            AccountId = accountId,
            DebtorId = debtorId,
            Channel = ContactChannel.Call,
            Address = from,
            StartedAt = Instant.FromDateTimeOffset(time.GetUtcNow()),
            Outcome = ContactOutcome.Pending,
            Purpose = ContactPurpose.Inbound,
            ExternalId = externalId,
            Node = Node,
        });
        await db.SaveChangesAsync(cancellationToken);
        LogReserved(logger, attemptId, accountId, ContactChannel.Call, Mask(from));
    }

    /// <summary>Writes how the contact ended over its pending row.</summary>
    public async Task CompleteAsync(ContactAttemptId attemptId, ContactResult result, CancellationToken cancellationToken)
    {
        if (result.Outcome == ContactOutcome.Pending)
        {
            throw new ArgumentException("A completed contact needs an outcome other than Pending.", nameof(result));
        }

        await using var db = createContext();
        var row = await db.ContactAttempts.FirstOrDefaultAsync(a => a.Id == attemptId, cancellationToken)
            ?? throw new InvalidOperationException($"Ledger row {attemptId} does not exist.");
        row.Outcome = result.Outcome;
        row.EndedAt = Instant.FromDateTimeOffset(time.GetUtcNow());
        // The operator's disposition may have recorded a conversation with the debtor before the line dropped; the dialer's
        // technical end of the call never takes it back (Reg F 1006.14(b)(2)(i)(B) counts those conversations).
        row.RightPartyContact = row.RightPartyContact || result.RightPartyContact;
        row.AmdFlagged = result.AmdFlagged;
        row.ExternalId = result.ExternalId ?? row.ExternalId;
        await db.SaveChangesAsync(cancellationToken);
        LogCompleted(logger, attemptId, result.Outcome);
    }

    /// <summary>
    /// A person answered and the call was put through to an operator: the row says so at once (answered, still open),
    /// so if this process dies mid-conversation the call is closed as the conversation it was, not as a call that never
    /// connected (issue 19, finding 1).
    /// </summary>
    /// <remarks>Never throws: the mark only matters if this process dies before the call ends, and a failure to write it must
    /// not end a conversation in progress (it is logged; the call's end is written as always).</remarks>
    public async Task ConnectedAsync(ContactAttemptId attemptId, bool amdFlagged, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = createContext();
            await db.ContactAttempts.Where(a => a.Id == attemptId && a.Outcome == ContactOutcome.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Outcome, ContactOutcome.Answered).SetProperty(a => a.AmdFlagged, amdFlagged), cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogConnectedNotMarked(logger, attemptId, ex);
        }
    }

    /// <summary>
    /// Names the operator a call was put through to (the dialer knows only its own line numbers): reports read it, and a node
    /// that takes over after this one dies gives the call back to her to save its outcome (OrphanedCalls in the console).
    /// </summary>
    /// <remarks>Never throws, like <see cref="ConnectedAsync"/>: a failure is logged, the conversation goes on.</remarks>
    public async Task PutThroughAsync(ContactAttemptId attemptId, AgentId agent, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = createContext();
            await db.ContactAttempts.Where(a => a.Id == attemptId).ExecuteUpdateAsync(s => s.SetProperty(a => a.AgentId, (AgentId?)agent), cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogOperatorNotMarked(logger, attemptId, ex);
        }
    }

    /// <summary>
    /// Marks a pending call abandoned: a person answered and no agent was free within 2 s of the greeting, so the
    /// information message was played (or not, if playing failed) and the call hung up. The row's end is the instant of
    /// abandonment, from which Ofcom's 72 h no-repeat rule runs; campaign abandonment counts read these rows.
    /// </summary>
    /// <remarks>Ofcom, "Tackling abandoned and silent calls" (1 October 2010) and the persistent-misuse statement of 2016: an
    /// abandoned call plays an information message, and the number is not called again within 72 hours unless a live
    /// operator is guaranteed. FTC TSR 16 CFR 310.4(b)(4)(iii): a recorded message naming the seller and a number to call
    /// within 2 seconds of the greeting; 310.4(b)(4)(i): abandoned calls at most 3 % of calls answered by a person.</remarks>
    public async Task MarkAbandonedAsync(ContactAttemptId attemptId, bool informationMessagePlayed, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var row = await db.ContactAttempts.FirstOrDefaultAsync(a => a.Id == attemptId, cancellationToken)
            ?? throw new InvalidOperationException($"Ledger row {attemptId} does not exist.");
        if (row.Outcome is not (ContactOutcome.Pending or ContactOutcome.Abandoned))
        {
            throw new InvalidOperationException($"Ledger row {attemptId} already ended as {row.Outcome}; only a pending call can be abandoned.");
        }

        if (row.Channel != ContactChannel.Call)
        {
            throw new InvalidOperationException($"Ledger row {attemptId} is a {row.Channel}, not a call.");
        }

        row.Outcome = ContactOutcome.Abandoned;
        row.EndedAt ??= Instant.FromDateTimeOffset(time.GetUtcNow());
        row.RightPartyContact = false;
        row.InformationMessagePlayed = informationMessagePlayed;
        await db.SaveChangesAsync(cancellationToken);
        LogAbandoned(logger, attemptId, row.AccountId, row.CampaignId, informationMessagePlayed);
    }

    /// <summary>Keeps the last three characters of a number or address for logs (STYLE.md habit 11).</summary>
    internal static string Mask(string address) => address.Length <= 3 ? "***" : new string('*', address.Length - 3) + address[^3..];

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Ledger row {AttemptId} pending for account {AccountId}: {Channel} to {Address}")]
    private static partial void LogReserved(ILogger logger, ContactAttemptId attemptId, AccountId accountId, ContactChannel channel, string address);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Contact refused for account {AccountId}: {Channel} to {Address} by {Rules}")]
    private static partial void LogRefused(ILogger logger, AccountId accountId, ContactChannel channel, string address, string rules);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "Ledger row {AttemptId} completed: {Outcome}")]
    private static partial void LogCompleted(ILogger logger, ContactAttemptId attemptId, ContactOutcome outcome);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Warning, Message = "Ledger row {AttemptId} could not be given its operator; if its node dies the call is not given back to her")]
    private static partial void LogOperatorNotMarked(ILogger logger, ContactAttemptId attemptId, Exception ex);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Ledger row {AttemptId} could not be marked answered at the connect; a crash before its end would close it as lost")]
    private static partial void LogConnectedNotMarked(ILogger logger, ContactAttemptId attemptId, Exception exception);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Reservation for account {AccountId} raced another (serialization conflict, attempt {Attempt}): evaluated again")]
    private static partial void LogConflict(ILogger logger, AccountId accountId, int attempt);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Ledger row {AttemptId} abandoned for account {AccountId} in campaign {CampaignId}; information message played: {Played}")]
    private static partial void LogAbandoned(ILogger logger, ContactAttemptId attemptId, AccountId accountId, CampaignId? campaignId, bool played);
}
