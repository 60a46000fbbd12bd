using System.Diagnostics;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Shared.Compliance;

/// <summary>A process that places calls, and when it was last seen alive (table <c>ledger_nodes</c>).</summary>
public sealed class LedgerNode
{
    /// <summary>Unique per process start (<see cref="LedgerReconciler.NewNodeId"/>): a restarted node is a new node, so its
    /// predecessor's calls are recognisably the dead one's even when the machine and process id are the same (pid 1 in a container).</summary>
    public required string Id { get; set; }

    public Instant StartedAt { get; set; }

    public Instant SeenAt { get; set; }
}

/// <summary>What one reconciliation closed: dead nodes, their calls lost and conversations, their inbound calls, and the
/// accounts (hopper claims) and queued calls they held that were given back.</summary>
public sealed record ReconcileReport(int DeadNodes, int Lost, int Conversations, int Inbound = 0, int Claims = 0, int Entries = 0);

/// <summary>
/// Closes the calls of nodes that stopped (issue 19, finding 1: after kill -9 a call in flight stayed Pending forever, counted
/// as neither answered nor abandoned, lost its right-party flag and was redialed after 1 h).
/// <para>
/// Each node writes its heartbeat every few seconds; a node not seen for <c>lease</c> is dead. Any live node (the dead
/// one's successor on a single machine, the survivor of two) closes the dead node's calls still open:
/// </para>
/// <list type="bullet">
/// <item>put through to an operator (Answered, not ended): a conversation. It ends when its node was last seen, and unless
/// the operator's disposition already said who was on the line it counts as a conversation with the debtor, which starts
/// Regulation F's 7-day quiet period (12 CFR 1006.14(b)(2)(i)(B)): a wrongly assumed conversation only delays the next call,
/// a wrongly denied one could break the rule.</item>
/// <item>not put through (Pending): <see cref="ContactOutcome.Lost"/>. It still counts as a call placed for every
/// frequency cap (1006.14(b)(2) counts calls placed), and since a person may have answered into silence, the hopper keeps
/// the number out for Ofcom's 72 h after an abandoned call (HopperOptions.Retry).</item>
/// </list>
/// <para>
/// Then it gives back what the dead node held for dialing, under the node's id (the hopper claims under the ledger's node id
/// unless <c>Collections:Hopper:NodeId</c> names it): its hopper claims and its Taken call entries of the queue of due contacts.
/// Before, they stayed held until their 5-minute lease ran out, and a survivor had nobody to call meanwhile when the dead node
/// had claimed every callable account of an operator's language. The calls are closed first, so an account whose call was in
/// flight is kept out by its Lost row for 72 h (Ofcom's rule after an abandoned call) when the queue offers it again.
/// </para>
/// </summary>
public sealed partial class LedgerReconciler(Func<CollectionsDbContext> createContext, TimeProvider time, ILogger<LedgerReconciler> logger)
{
    /// <summary>A fresh id for this process: machine, process id and start time.</summary>
    public static string NewNodeId(TimeProvider time)
    {
        // At most 64 characters: the hopper claims under this id, and its claim columns hold 64.
        var id = $"{Environment.MachineName}/{Environment.ProcessId}/{time.GetUtcNow().ToUnixTimeMilliseconds()}";
        return id.Length <= 64 ? id : id[^64..];
    }

    /// <summary>Records that <paramref name="node"/> is alive now.</summary>
    public async Task HeartbeatAsync(string node, CancellationToken ct)
    {
        await using var db = createContext();
        var now = Now;
        var row = await db.LedgerNodes.FirstOrDefaultAsync(n => n.Id == node, ct);
        if (row is null)
        {
            db.LedgerNodes.Add(new LedgerNode { Id = node, StartedAt = now, SeenAt = now });
        }
        else
        {
            row.SeenAt = now;
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>Closes the open calls of every node other than <paramref name="self"/> not seen for <paramref name="lease"/>, then
    /// forgets those nodes. Calls of no known node (written before nodes were recorded, or by a node that never beat) are closed
    /// once older than <paramref name="legacyAge"/>.</summary>
    public async Task<ReconcileReport> CloseDeadAsync(string self, Duration lease, Duration legacyAge, CancellationToken ct)
    {
        await using var db = createContext();
        var now = Now;
        var deadline = now - lease;
        var dead = await db.LedgerNodes.AsNoTracking().Where(n => n.Id != self && n.SeenAt < deadline).ToListAsync(ct);
        int lost = 0, conversations = 0, inbound = 0, claims = 0, entries = 0;
        foreach (var node in dead)
        {
            var (l, c) = await CloseAsync(db, db.ContactAttempts.Where(a => a.Node == node.Id), node.SeenAt, ct);
            // The dead node's inbound calls too (issue 17): the queue's own rule closes its rows, as of the node's last beat.
            var i = await Queues.InboundCallClosing.CloseAsync(db, db.InboundCalls.Where(a => a.Node == node.Id), node.SeenAt, ct);
            var (h, e) = await ReleaseAsync(db, node.Id, ct);
            lost += l;
            conversations += c;
            inbound += i;
            claims += h;
            entries += e;
            await db.LedgerNodes.Where(n => n.Id == node.Id).ExecuteDeleteAsync(ct);
            LogNodeDead(logger, node.Id, node.SeenAt, l, c, i, h, e);
        }

        var legacyBefore = now - legacyAge;
        var (ll, lc) = await CloseAsync(db, db.ContactAttempts.Where(a => a.StartedAt < legacyBefore && (a.Node == null || !db.LedgerNodes.Any(n => n.Id == a.Node))), legacyBefore, ct);
        var li = await Queues.InboundCallClosing.CloseAsync(db, db.InboundCalls.Where(a => a.ReceivedAt < legacyBefore && (a.Node == null || !db.LedgerNodes.Any(n => n.Id == a.Node))), legacyBefore, ct);
        return new ReconcileReport(dead.Count, lost + ll, conversations + lc, inbound + li, claims, entries);
    }

    /// <summary>Gives back the hopper claims and the Taken call entries <paramref name="node"/> held (after its calls are closed).
    /// Only calls: a message entry in doubt stays Taken until its lease runs out, when the sender is asked with its idempotency
    /// key (DueContactQueue.KeepTakenAsync), and the message dispatcher claims under an id of its own anyway.</summary>
    private static async Task<(int Claims, int Entries)> ReleaseAsync(CollectionsDbContext db, string node, CancellationToken ct)
    {
        var holder = (string?)node;
        var claims = await db.HopperClaims
            .Where(c => c.ClaimedBy == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClaimedBy, (string?)null).SetProperty(c => c.ClaimedUntil, (Instant?)null), ct);
        var entries = await db.ScheduledContacts
            .Where(c => c.ClaimedBy == holder && c.Status == Workflow.ScheduledContactStatus.Taken && c.Channel == ContactChannel.Call)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, Workflow.ScheduledContactStatus.Queued)
                .SetProperty(c => c.ClaimedBy, (string?)null)
                .SetProperty(c => c.ClaimedUntil, (Instant?)null), ct);
        return (claims, entries);
    }

    private static async Task<(int Lost, int Conversations)> CloseAsync(CollectionsDbContext db, IQueryable<ContactAttempt> rows, Instant endedAt, CancellationToken ct)
    {
        var open = await rows
            .Where(a => a.Channel == ContactChannel.Call && a.EndedAt == null && (a.Outcome == ContactOutcome.Pending || a.Outcome == ContactOutcome.Answered))
            .ToListAsync(ct);
        if (open.Count == 0)
        {
            return (0, 0);
        }

        var nullable = open.Select(a => (ContactAttemptId?)a.Id).ToList();
        var disposed = (await db.Dispositions.Where(d => nullable.Contains(d.ContactAttemptId)).Select(d => d.ContactAttemptId).ToListAsync(ct)).ToHashSet();
        int lost = 0, conversations = 0;
        foreach (var row in open)
        {
            row.EndedAt = endedAt > row.StartedAt ? endedAt : row.StartedAt;
            if (row.Outcome == ContactOutcome.Answered)
            {
                conversations++;
                row.RightPartyContact = row.RightPartyContact || !disposed.Contains(row.Id);
            }
            else
            {
                lost++;
                row.Outcome = ContactOutcome.Lost;
            }
        }

        await db.SaveChangesAsync(ct);
        return (lost, conversations);
    }

    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "Node {Node} last seen {SeenAt} is gone: closed {Lost} call(s) in flight as lost, {Conversations} conversation(s) and {Inbound} inbound call(s); gave back {Claims} claimed account(s) and {Entries} queued call(s)")]
    private static partial void LogNodeDead(ILogger logger, string node, Instant seenAt, int lost, int conversations, int inbound, int claims, int entries);
}
