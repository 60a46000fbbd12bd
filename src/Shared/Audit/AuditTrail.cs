using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Audit;

/// <summary>One entry of the audit trail (table <c>audit_entries</c>): who read or changed which debtor data, when, from where.
/// <see cref="Hash"/> covers the entry's fields and the previous entry's hash, so altering or removing any entry breaks
/// every link after it.</summary>
public sealed class AuditEntry
{
    /// <summary>1, 2, 3, ... without gaps: the position in the chain.</summary>
    public long Id { get; set; }

    public Instant At { get; set; }

    /// <summary>The signed-in user's login, <c>creditor-key:&lt;id&gt;</c> for the creditor API, or <c>cli</c>.</summary>
    public required string Actor { get; set; }

    /// <summary><c>read</c> or <c>change</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What was read or changed: an account, a recording, a search, an export (its address or key).</summary>
    public required string Subject { get; set; }

    /// <summary>For a read, which view: screen-pop, case timeline, recording, portal account, privacy export, ...; for a change,
    /// which kind: call outcome (with what it carried), legal decision, payment import, creditor placement, ...</summary>
    public required string Detail { get; set; }

    /// <summary>The client's address (after trusted proxies), when over the network.</summary>
    public string? From { get; set; }

    public required string PreviousHash { get; set; }

    public required string Hash { get; set; }
}

/// <summary>What <see cref="AuditTrail.VerifyAsync(CollectionsDbContext, CancellationToken)"/> found: the number of entries, and the first broken one with why.</summary>
public sealed record AuditVerification(long Entries, long? BrokenEntry, string? Reason)
{
    public bool Intact => BrokenEntry is null;

    /// <summary>The entry the anchor named and that was found as anchored (null when verified without an anchor, or none was
    /// written yet).</summary>
    public long? AnchoredEntry { get; init; }
}

/// <summary>
/// The append-only, hash-chained audit trail of reads and changes of debtor data (issue 19, item 5; GDPR Art. 5(2) and 30:
/// the controller must be able to show what was done with personal data). Entries are written in one serialized chain: the
/// next id and the previous hash are read and the entry inserted in one transaction, retried when another node won the race.
/// </summary>
public sealed class AuditTrail(Func<CollectionsDbContext> createContext, TimeProvider time)
{
    /// <summary>A trail that advances <paramref name="anchor"/> after every batch it appends, so removing the last entries is
    /// found by <see cref="VerifyAsync(CollectionsDbContext, AuditAnchor?, CancellationToken)"/>.</summary>
    public AuditTrail(Func<CollectionsDbContext> createContext, TimeProvider time, AuditAnchor? anchor)
        : this(createContext, time)
    {
        _anchor = anchor;
    }

    private readonly AuditAnchor? _anchor;

    /// <summary>The first entry's hash, once known: it names the trail in the anchor.</summary>
    private string? _first;

    /// <summary>The previous hash of the first entry.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    private readonly SemaphoreSlim _gate = new(1, 1);

    private readonly System.Threading.Channels.Channel<(Instant At, string Actor, string Action, string Subject, string Detail, string? From)> _queue =
        System.Threading.Channels.Channel.CreateBounded<(Instant, string, string, string, string, string?)>(
            new System.Threading.Channels.BoundedChannelOptions(100_000) { SingleReader = true, FullMode = System.Threading.Channels.BoundedChannelFullMode.Wait });

    /// <summary>
    /// Queues a read for <see cref="DrainAsync"/>, timed now: the request that read the data is not held up by the trail's
    /// write (on SQLite every write waits for the one write lock). An entry queued when the process dies is lost; the queue is
    /// drained within a batch's commit, so that is at most the last moment's reads.
    /// </summary>
    public ValueTask EnqueueAsync(string actor, string action, string subject, string detail, string? from, CancellationToken ct) =>
        _queue.Writer.WriteAsync((Instant.FromDateTimeOffset(time.GetUtcNow()), actor, action, subject, detail, from), ct);

    private readonly List<(Instant At, string Actor, string Action, string Subject, string Detail, string? From)> _batch = [];

    /// <summary>Appends queued entries, as many as are waiting in one transaction, until <paramref name="ct"/> ends.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        // A batch that failed stays here and goes with the next one.
        var batch = _batch;
        while (batch.Count > 0 || await _queue.Reader.WaitToReadAsync(ct))
        {
            while (batch.Count < 500 && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            await _gate.WaitAsync(ct);
            try
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await AppendAsync(batch, ct);
                        break;
                    }
                    catch (DbUpdateException) when (attempt < 5)
                    {
                    }
                }
            }
            finally
            {
                _gate.Release();
            }

            batch.Clear();
        }
    }

    /// <summary>Appends an entry; returns its id.</summary>
    public async Task<long> RecordAsync(string actor, string action, string subject, string detail, string? from, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await AppendAsync([(Instant.FromDateTimeOffset(time.GetUtcNow()), actor, action, subject, detail, from)], ct);
                }
                catch (DbUpdateException) when (attempt < 5)
                {
                    // Another node appended the same position first: read the chain's end again.
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<long> AppendAsync(IReadOnlyList<(Instant At, string Actor, string Action, string Subject, string Detail, string? From)> items, CancellationToken ct)
    {
        await using var db = createContext();
        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct);
        var id = await AppendEntriesAsync(db, items, ct);
        var head = db.AuditEntries.Local.First(e => e.Id == id).Hash;
        var first = _first ?? db.AuditEntries.Local.FirstOrDefault(e => e.Id == 1)?.Hash;
        if (_anchor is not null && first is null)
        {
            first = await db.AuditEntries.AsNoTracking().Where(e => e.Id == 1).Select(e => e.Hash).FirstOrDefaultAsync(ct);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        // The head is written outside the database after the commit (AuditAnchor): removing the last entries is then found.
        if (_anchor is not null && first is not null)
        {
            _first = first;
            _anchor.Advance(first, id, head, Instant.FromDateTimeOffset(time.GetUtcNow()));
        }

        return id;
    }

    /// <summary>
    /// Adds one entry to <paramref name="db"/>, to be saved and committed by the caller in the transaction that makes the
    /// change it records: a change and its entry are written together or not at all (a privacy erasure). Two writers taking
    /// the same position make the second save fail with a <see cref="DbUpdateException"/> (the id is the key); the caller
    /// retries its whole transaction.
    /// </summary>
    public static Task<long> AddInTransactionAsync(CollectionsDbContext db, Instant at, string actor, string action, string subject, string detail, string? from, CancellationToken ct) =>
        AppendEntriesAsync(db, [(at, actor, action, subject, detail, from)], ct);

    private static async Task<long> AppendEntriesAsync(CollectionsDbContext db, IReadOnlyList<(Instant At, string Actor, string Action, string Subject, string Detail, string? From)> items, CancellationToken ct)
    {
        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(ct);
        var (id, previous) = (last?.Id ?? 0, last?.Hash ?? Genesis);
        foreach (var (at, actor, action, subject, detail, from) in items)
        {
            var entry = new AuditEntry
            {
                Id = ++id,
                At = at,
                Actor = Cut(actor, 128),
                Action = action,
                Subject = Cut(subject, 400),
                Detail = Cut(detail, 100),
                From = from is null ? null : Cut(from, 64),
                PreviousHash = previous,
                Hash = "",
            };
            entry.Hash = HashOf(entry);
            previous = entry.Hash;
            db.AuditEntries.Add(entry);
        }

        return id;
    }

    /// <summary>Appends whatever is still queued (a host stopping gracefully loses no read).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        while (_queue.Reader.TryRead(out var item))
        {
            _batch.Add(item);
        }

        if (_batch.Count > 0)
        {
            await _gate.WaitAsync(ct);
            try
            {
                await AppendAsync(_batch, ct);
                _batch.Clear();
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Walks the chain from the first entry: each must follow the one before it (ids without gaps, the previous hash
    /// equal to that entry's hash) and its hash must match its fields. The first entry that fails is named.</summary>
    public static Task<AuditVerification> VerifyAsync(CollectionsDbContext db, CancellationToken ct) => VerifyAsync(db, null, ct);

    /// <summary>As <see cref="VerifyAsync(CollectionsDbContext, CancellationToken)"/>, then against <paramref name="anchor"/>:
    /// the trail must reach the anchored entry with the anchored hash and start with the anchored first entry, else the last
    /// entries were removed (named as "entries after N are missing") or the trail was rewritten or replaced.</summary>
    /// <exception cref="InvalidDataException">The anchor file is there but is not an anchor.</exception>
    public static async Task<AuditVerification> VerifyAsync(CollectionsDbContext db, AuditAnchor? anchor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var head = anchor?.Read();
        var walked = await WalkAsync(db, head?.Entry, ct);
        if (!walked.Result.Intact || head is null)
        {
            return walked.Result;
        }

        var count = walked.Result.Entries;
        if (count > 0 && walked.First != head.First)
        {
            return new(count, 1, $"entry 1 is not the one the anchor ({anchor!.Path}, written {head.At}) names: the trail was replaced");
        }

        if (count < head.Entry)
        {
            return new(count, count + 1, $"entries after {count} are missing: the anchor ({anchor!.Path}, written {head.At}) names entry {head.Entry}, so at least entries {count + 1} to {head.Entry} were removed");
        }

        if (walked.AtAnchor != head.Hash)
        {
            return new(count, head.Entry, $"entry {head.Entry} is not the one the anchor ({anchor!.Path}, written {head.At}) names: the trail was rewritten up to it");
        }

        return walked.Result with { AnchoredEntry = head.Entry };
    }

    private static async Task<(AuditVerification Result, string? First, string? AtAnchor)> WalkAsync(CollectionsDbContext db, long? anchored, CancellationToken ct)
    {
        string? first = null, atAnchor = null;
        long expectedId = 1, count = 0;
        var previous = Genesis;
        const int page = 5000;
        while (true)
        {
            var from = expectedId;
            var batch = await db.AuditEntries.AsNoTracking().Where(e => e.Id >= from).OrderBy(e => e.Id).Take(page).ToListAsync(ct);
            foreach (var entry in batch)
            {
                if (entry.Id != expectedId)
                {
                    return (new(count, entry.Id, $"entry {entry.Id} follows entry {expectedId - 1}: entries {expectedId} to {entry.Id - 1} were removed"), first, atAnchor);
                }

                if (entry.PreviousHash != previous)
                {
                    return (new(count, entry.Id, $"entry {entry.Id} does not follow entry {entry.Id - 1} (its previous hash differs): an entry before it was altered or replaced"), first, atAnchor);
                }

                if (HashOf(entry) != entry.Hash)
                {
                    return (new(count, entry.Id, $"entry {entry.Id} does not match its hash: it was altered"), first, atAnchor);
                }

                previous = entry.Hash;
                first ??= entry.Hash;
                if (entry.Id == anchored)
                {
                    atAnchor = entry.Hash;
                }

                expectedId++;
                count++;
            }

            if (batch.Count < page)
            {
                return (new(count, null, null), first, atAnchor);
            }
        }
    }

    /// <summary>SHA-256 over the entry's fields and the previous hash, each length-prefixed so no two field lists collide.</summary>
    internal static string HashOf(AuditEntry e)
    {
        var text = new StringBuilder();
        foreach (var field in new[]
        {
            e.Id.ToString(CultureInfo.InvariantCulture), e.At.ToUnixTimeTicks().ToString(CultureInfo.InvariantCulture), e.Actor, e.Action, e.Subject, e.Detail, e.From ?? "", e.PreviousHash,
        })
        {
            text.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}
