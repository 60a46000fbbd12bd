using System.Globalization;
using Collections.Dialer.Campaigns;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.DueContacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;
using PhoneNumberUtil = PhoneNumbers.PhoneNumberUtil;
using NumberParseException = PhoneNumbers.NumberParseException;

namespace Collections.Dialer.Hopper;

/// <summary>
/// The hopper of one dialer node: finds the calls due in a campaign's queue (scheduled_contacts whose campaign is the
/// campaign's <see cref="Campaign.Queue"/>: callbacks, pre-instalment reminders, follow-ups, strategy calls), drops those
/// the retry table or the compliance engine hold back, picks the number to dial, orders them by purpose and strategy
/// priority and by how good the current hour is for each debtor, and claims each account under a lease (so that no other
/// node dials the same account) together with its queue entry.
/// </summary>
public sealed partial class DialerHopper
{
    private static readonly Duration LedgerLookBack = Duration.FromDays(14);

    private readonly Func<CollectionsDbContext> _createContext;
    private readonly ComplianceEngine _engine;
    private readonly TimeProvider _time;
    private readonly HopperOptions _options;
    private readonly ContactRateLearner _rates;
    private readonly DueContactQueue _queue;
    private readonly ILogger _logger;

    public DialerHopper(string nodeId, ComplianceEngine engine, Func<CollectionsDbContext> createContext, TimeProvider time, HopperOptions options,
        DueContactQueue queue, ILogger<DialerHopper> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        if (nodeId.Length > 64)
        {
            throw new ArgumentException("A node id has at most 64 characters.", nameof(nodeId));
        }

        NodeId = nodeId;
        _engine = engine;
        _createContext = createContext;
        _time = time;
        _options = options;
        _rates = new ContactRateLearner(createContext, options);
        _queue = queue;
        _logger = logger;
    }

    /// <summary>The id this node writes into its claims.</summary>
    public string NodeId { get; }

    private Instant Now => Instant.FromDateTimeOffset(_time.GetUtcNow());

    /// <summary>The next <paramref name="limit"/> accounts of <paramref name="campaign"/> in dialing order at <paramref name="at"/> (now when null), without claiming them.</summary>
    public async Task<IReadOnlyList<HopperEntry>> PeekAsync(Campaign campaign, int limit, Instant? at, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var ranked = await RankAsync(campaign, limit, at ?? Now, null, cancellationToken);
        return ranked.Take(limit).ToList();
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> accounts of <paramref name="campaign"/> for this node, best first. Accounts that
    /// another node holds under an unexpired lease, or is claiming at this moment, are skipped, so fewer may be returned.
    /// </summary>
    public Task<IReadOnlyList<HopperEntry>> ClaimAsync(Campaign campaign, int limit, CancellationToken cancellationToken) =>
        ClaimAsync(campaign, limit, null, cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> accounts of <paramref name="campaign"/> for this node, best first, none of
    /// <paramref name="exclude"/> (the caller's calls in flight and the accounts it stepped past: they are never claimed, so
    /// nothing is claimed that the caller would not use). Each account's queue entry is claimed with it; an entry cancelled or
    /// taken since the ranking gives its account back at once.
    /// </summary>
    public async Task<IReadOnlyList<HopperEntry>> ClaimAsync(Campaign campaign, int limit, IReadOnlySet<AccountId>? exclude, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (Problems(campaign) is { Count: > 0 } problems)
        {
            throw new InvalidOperationException($"Campaign '{campaign.Name}' may not dial: {string.Join("; ", problems)}");
        }

        if (campaign.Status != CampaignStatus.Running)
        {
            // A pause may race with a node's fill: the node simply gets nothing.
            LogNotRunning(_logger, NodeId, campaign.Name, campaign.Status);
            return [];
        }

        var now = Now;
        var ranked = await RankAsync(campaign, limit, now, exclude, cancellationToken);
        if (ranked.Count == 0)
        {
            return [];
        }

        var lease = Duration.FromTimeSpan(_options.LeaseDuration);
        IReadOnlyList<HopperEntry> claimed;
        await using (var db = _createContext())
        {
            claimed = await HopperClaimStore.ClaimAsync(db, ranked, limit, NodeId, campaign.Id, now, lease, cancellationToken);
        }

        // The entry is moved to Taken by a conditional update only one node can win (DueContactQueue), so the workflow's
        // cancellation (a promise made in the meantime) and the dispatcher's view of the queue stay right.
        var taken = await _queue.TryClaimEachAsync([.. claimed.Select(e => e.EntryId)], NodeId, lease, cancellationToken);
        var held = new List<HopperEntry>(claimed.Count);
        foreach (var entry in claimed)
        {
            if (taken.Contains(entry.EntryId))
            {
                held.Add(entry);
            }
            else
            {
                await ReleaseAsync(entry.AccountId, cancellationToken);
            }
        }

        LogClaimed(_logger, NodeId, held.Count, ranked.Count, campaign.Name);
        return held;
    }

    /// <summary>Gives back an account and its queue entry that this node claimed and did not dial.</summary>
    public async Task ReleaseAsync(AccountId account, Guid entryId, CancellationToken cancellationToken)
    {
        await _queue.ReleaseAsync(entryId, NodeId, cancellationToken);
        await ReleaseAsync(account, cancellationToken);
    }

    /// <summary>
    /// The call for a claimed entry is over: the entry is Done when a person was connected to an operator; otherwise it is
    /// tried again after the retry delay of the call's outcome (retry table), or, when compliance refused the call, when the
    /// rules allow it (else after <see cref="HopperOptions.RefusalDelay"/>); an entry whose next attempt would fall after its
    /// expiry expires. A call that failed before its ledger row gives the entry back untouched. The account's claim is
    /// released in every case: a claim held after its call keeps the account from every node until the lease runs out.
    /// </summary>
    public async Task FinishAsync(AccountId account, Guid entryId, DialEnd end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(end);
        var now = Now;
        try
        {
            if (end.ConnectedToAgent)
            {
                await _queue.DoneAsync(entryId, end.Description, cancellationToken);
            }
            else if (end.Refused || end.Skipped)
            {
                // Refused by compliance (until the rules allow it) or skipped by the previewing operator: not now, later.
                var next = end.AllowedFrom is { } allowed && allowed > now ? allowed : now + Duration.FromTimeSpan(_options.RefusalDelay);
                await _queue.RetryAsync(entryId, next, end.Description, cancellationToken);
            }
            else if (end.Outcome is { } outcome)
            {
                await _queue.RetryAsync(entryId, now + Duration.FromTimeSpan(_options.RetryFor(outcome).Delay), end.Description, cancellationToken);
            }
            else
            {
                await _queue.ReleaseAsync(entryId, NodeId, cancellationToken);
            }
        }
        finally
        {
            await ReleaseAsync(account, CancellationToken.None);
        }
    }

    /// <summary>The call for a claimed entry left: its ledger row is counted on the entry.</summary>
    public Task AttemptedAsync(Guid entryId, ContactAttemptId attempt, CancellationToken cancellationToken) =>
        _queue.AttemptedAsync(entryId, attempt, cancellationToken);

    /// <summary>Extends this node's leases on queue entries whose calls are still in progress.</summary>
    public async Task RenewEntriesAsync(IEnumerable<Guid> entries, CancellationToken cancellationToken)
    {
        var lease = Duration.FromTimeSpan(_options.LeaseDuration);
        foreach (var entry in entries)
        {
            await _queue.RenewAsync(entry, NodeId, lease, cancellationToken);
        }
    }

    /// <summary>
    /// The campaign settings that forbid dialing, from the entity's validation attributes: a ring timeout under 15 s
    /// (FTC TSR 16 CFR 310.4(b)(4)(ii): at least 15 seconds or four rings; Ofcom), an abandonment target above 5 %, ...
    /// </summary>
    public static IReadOnlyList<string> Problems(Campaign campaign)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(campaign, new(campaign), results, validateAllProperties: true);
        return results.Select(r => $"{string.Join(",", r.MemberNames)}: {r.ErrorMessage}").ToList();
    }

    /// <summary>Extends this node's leases on <paramref name="accounts"/> (during a long call); returns how many it still held.</summary>
    public async Task<int> RenewAsync(IReadOnlyCollection<AccountId> accounts, CancellationToken cancellationToken)
    {
        var now = Now;
        var until = (Instant?)(now + Duration.FromTimeSpan(_options.LeaseDuration));
        var ids = accounts.ToList();
        await using var db = _createContext();
        return await db.HopperClaims
            .Where(c => ids.Contains(c.AccountId) && c.ClaimedBy == NodeId && c.ClaimedUntil > now)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClaimedUntil, until), cancellationToken);
    }

    /// <summary>Gives an account back after its call ended (or was not placed); only this node's own claim is released.</summary>
    public async Task<bool> ReleaseAsync(AccountId account, CancellationToken cancellationToken)
    {
        await using var db = _createContext();
        var released = await db.HopperClaims
            .Where(c => c.AccountId == account && c.ClaimedBy == NodeId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClaimedBy, (string?)null).SetProperty(c => c.ClaimedUntil, (Instant?)null), cancellationToken);
        if (released > 0)
        {
            LogReleased(_logger, NodeId, account);
        }

        return released > 0;
    }

    /// <summary>Callable accounts of the campaign at <paramref name="now"/>, best first (one entry per account, its best),
    /// none of <paramref name="exclude"/>, at least <paramref name="limit"/> when that many exist.</summary>
    internal async Task<IReadOnlyList<HopperEntry>> RankAsync(Campaign campaign, int limit, Instant now, IReadOnlySet<AccountId>? exclude, CancellationToken cancellationToken)
    {
        var model = await _rates.GetAsync(now, cancellationToken);
        var context = CampaignContext.For(campaign);
        var wanted = limit * _options.OverFetch;
        var found = new List<HopperEntry>();
        var skipped = 0;
        var scanned = 0;
        await using var db = _createContext();
        while (found.Count < wanted && scanned < _options.MaxScan)
        {
            var page = await DueCalls(db, campaign, now)
                .Skip(scanned)
                .Take(Math.Min(_options.PageSize, _options.MaxScan - scanned))
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            scanned += page.Count;
            var wantedHere = page.Where(p => exclude is null || !exclude.Contains(p.AccountId)).ToList();
            var subjects = await LoadSubjectsAsync(db, wantedHere.Select(p => p.AccountId).Distinct().ToList(), now, cancellationToken);
            foreach (var due in wantedHere)
            {
                if (subjects.TryGetValue(due.AccountId, out var subject) && Evaluate(campaign, context, due, subject, model, now) is { } entry)
                {
                    found.Add(entry);
                }
                else
                {
                    skipped++;
                }
            }

            if (page.Count < _options.PageSize)
            {
                break;
            }
        }

        LogRanked(_logger, NodeId, campaign.Name, scanned, found.Count, skipped);

        // One call per account at a time: an account with several calls due (a reminder and a follow-up) offers its best.
        return Order(found).DistinctBy(e => e.AccountId).ToList();
    }

    /// <summary>The dialing order: strategy priority, then how close now is to the debtor's best hour (in steps of 0.01, so
    /// near-equal estimates fall through), then the longest overdue, then the account id for a stable order.</summary>
    internal static IReadOnlyList<HopperEntry> Order(IEnumerable<HopperEntry> entries) => entries
        .OrderByDescending(e => e.Priority)
        .ThenByDescending(e => Math.Round(e.Reach, 2))
        .ThenByDescending(e => Math.Round(e.Now.Rate, 3))
        .ThenBy(e => e.DueAt)
        .ThenBy(e => e.AccountId.Value)
        .ToList();

    /// <summary>One due queue entry's row from the candidate query.</summary>
    internal sealed record DueCall(Guid EntryId, AccountId AccountId, string Reference, DebtorId DebtorId, string? StrategyId, ContactPurpose Purpose,
        string? ScriptStage, AgentId? AgentId, Instant? AgentOnlyUntil, Instant DueAt, Instant QueuedAt);

    /// <summary>Calls due in the campaign's queue (<see cref="DueContactQueue.Due"/>) on accounts matching its industry filter,
    /// not under another node's account lease, oldest next attempt first.</summary>
    private IQueryable<DueCall> DueCalls(CollectionsDbContext db, Campaign campaign, Instant now)
    {
        var entries = _queue.Due(db, new DueContactFilter([ContactChannel.Call], [campaign.Queue]), now).AsNoTracking();
        var accounts = db.Accounts.AsNoTracking();
        if (campaign.Industry is { } industry)
        {
            accounts = accounts.Where(a => a.Industry == industry);
        }

        return entries
            .Join(accounts, e => e.AccountId, a => a.Id, (e, a) => new { Entry = e, Account = a })
            .Where(x => !db.HopperClaims.Any(h => h.AccountId == x.Entry.AccountId && h.ClaimedBy != null && h.ClaimedUntil > now))
            .OrderBy(x => x.Entry.NextAttemptAt)
            .ThenBy(x => x.Entry.Id)
            .Select(x => new DueCall(x.Entry.Id, x.Entry.AccountId, x.Account.CreditorReference, x.Account.DebtorId,
                db.Cases.Where(c => c.AccountId == x.Entry.AccountId).Select(c => c.StrategyId).FirstOrDefault(),
                x.Entry.Purpose, x.Entry.ScriptStage, x.Entry.AgentId, x.Entry.AgentOnlyUntil, x.Entry.DueAt, x.Entry.CreatedAt));
    }

    /// <summary>Decides whether one queued call is callable now and on which number; null when it is not.</summary>
    internal HopperEntry? Evaluate(Campaign campaign, CampaignContext context, DueCall due, ComplianceSubject subject, ContactRateModel model, Instant now)
    {
        var calls = subject.Ledger
            .Where(a => a.AccountId == due.AccountId && a.Channel == ContactChannel.Call)
            .OrderBy(a => a.StartedAt)
            .ToList();
        var last = calls.LastOrDefault();
        Instant? retryAt = null;
        var retry = new RetryRule { SameNumber = true };
        if (last is not null)
        {
            retry = _options.RetryFor(last.Outcome);
            retryAt = (last.EndedAt ?? last.StartedAt) + Duration.FromTimeSpan(retry.Delay);

            // A conversation holds the account back (it normally settles what comes next), except for a call queued after the
            // conversation began: whatever it agreed was queued knowing it (the callback the operator promised at 15:00, the
            // follow-up the workflow queued on the disposition).
            var queuedAfterConversation = last.Outcome == ContactOutcome.Answered && last.StartedAt < due.QueuedAt;
            if (retryAt > now && !queuedAfterConversation)
            {
                return null;
            }
        }

        var phones = subject.Debtor.Phones.OrderBy(p => p.Priority).ThenBy(p => p.E164, StringComparer.Ordinal).ToList();
        var order = TrialOrder(phones, last?.Address, retry.SameNumber);
        var notes = new List<string>();
        foreach (var phone in order)
        {
            if (!IsValidNumber(phone.E164))
            {
                notes.Add($"number {phone.Priority} skipped: not a valid number");
                continue;
            }

            // An operator heard that this number is not the debtor's (disposition WrongNumber): it is never dialed again for them.
            if (phone.WrongNumberAt is not null)
            {
                notes.Add($"number {phone.Priority} skipped: marked wrong number");
                continue;
            }

            var decision = _engine.Evaluate(subject, new ContactTarget(ContactChannel.Call, phone.E164), context, now);
            if (!decision.Allowed)
            {
                var refused = decision.Rules.FirstOrDefault(r => r.Verdict == RuleVerdict.Refused);
                notes.Add($"number {phone.Priority} refused by {refused?.Rule ?? "compliance"}");
                continue;
            }

            var zone = decision.Zone!.Primary;
            var hour = ContactRateModel.HourOfWeek(now, zone);
            var rateNow = model.Rate(due.DebtorId, hour);
            // The current hour first, so that with no history (every bucket at the prior) the best hour is now.
            var best = model.Best(due.DebtorId, [hour, .. model.ObservedHours]);
            var strategyPriority = due.StrategyId is not null && _options.StrategyPriorities.TryGetValue(due.StrategyId, out var sp) ? sp : 0;
            var purposePriority = _options.PriorityOf(due.Purpose);

            // A callback is its operator's alone until its grace period ends; then any operator with the language takes it.
            var reserved = due.AgentId is not null && due.AgentOnlyUntil > now;
            var reason = Reason(due, strategyPriority, purposePriority, reserved, rateNow, best, last, retryAt, phone, phones.Count, notes);
            return new HopperEntry(campaign.Id, due.AccountId, due.Reference, due.DebtorId, due.EntryId, due.Purpose, due.ScriptStage,
                reserved ? due.AgentId : null, reserved ? due.AgentOnlyUntil : null, phone.Id, phone.E164, phone.Priority,
                strategyPriority + purposePriority, rateNow, best, due.DueAt, retryAt, reason);
        }

        return null;
    }

    /// <summary>
    /// The numbers in the order to try them: after a call that asks for the same number (busy, abandoned, answered) the last
    /// number first; after one that asks for another (no answer, machine, failed) the next number in priority order,
    /// wrapping round; with no call on record, priority order.
    /// </summary>
    internal static IReadOnlyList<PhoneNumber> TrialOrder(IReadOnlyList<PhoneNumber> phones, string? lastNumber, bool sameNumber)
    {
        var index = lastNumber is null ? -1 : phones.ToList().FindIndex(p => p.E164 == lastNumber);
        if (index < 0)
        {
            return phones;
        }

        var start = sameNumber ? index : (index + 1) % phones.Count;
        return phones.Skip(start).Concat(phones.Take(start)).ToList();
    }

    private static bool IsValidNumber(string e164)
    {
        try
        {
            var util = PhoneNumberUtil.GetInstance();
            return util.IsValidNumber(util.Parse(e164, null));
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    private static string Reason(DueCall due, int strategyPriority, int purposePriority, bool reserved, HourRate now, HourRate best, ContactAttempt? last,
        Instant? retryAt, PhoneNumber phone, int phoneCount, List<string> notes)
    {
        var c = CultureInfo.InvariantCulture;
        var parts = new List<string>
        {
            string.Create(c, $"priority {strategyPriority + purposePriority} (purpose {due.Purpose.Text()} {purposePriority:+0;-0;+0}, strategy {due.StrategyId ?? "-"} {strategyPriority:+0;-0;+0})"),
            string.Create(c, $"{now.Label} local: contact rate {now.Rate:0.000} from {now.Attempts} own call(s); best hour {best.Label} at {best.Rate:0.000}"),
            string.Create(c, $"due since {Format(due.DueAt)}"),
            last is null
                ? "never called"
                : string.Create(c, $"last call {last.Outcome} at {Format(last.EndedAt ?? last.StartedAt)}, retry from {Format(retryAt!.Value)}"),
            string.Create(c, $"number {phone.Priority} of {phoneCount} ({HopperEntry.Mask(phone.E164)})"),
        };
        if (reserved)
        {
            parts.Insert(1, string.Create(c, $"for operator {due.AgentId} only until {Format(due.AgentOnlyUntil!.Value)}"));
        }

        parts.AddRange(notes);
        return string.Join("; ", parts);
    }

    private static string Format(Instant instant) => instant.ToString("uuuu-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads every account's compliance snapshot of one page in eight queries instead of eight per account.</summary>
    private static async Task<Dictionary<AccountId, ComplianceSubject>> LoadSubjectsAsync(CollectionsDbContext db, List<AccountId> accountIds, Instant now, CancellationToken cancellationToken)
    {
        var accounts = await db.Accounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).ToListAsync(cancellationToken);
        var debtorIds = accounts.Select(a => a.DebtorId).Distinct().ToList();
        var debtors = await db.Debtors.AsNoTracking().Include(d => d.Addresses).Include(d => d.Phones).AsSplitQuery()
            .Where(d => debtorIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, cancellationToken);
        // The debtors' own opt-outs, and those of erased debtors whose numbers they hold now (Shared/Privacy/SuppressionList.cs).
        var optOuts = (await db.OptOuts.AsNoTracking().Where(o => debtorIds.Contains(o.DebtorId)).ToListAsync(cancellationToken))
            .Concat((await Collections.Shared.Privacy.SuppressionList.OptOutsAsync(db, debtors.Values, cancellationToken)).SelectMany(g => g))
            .ToLookup(o => o.DebtorId);
        var holds = (await db.Holds.AsNoTracking().Where(h => accountIds.Contains(h.AccountId)).ToListAsync(cancellationToken)).ToLookup(h => h.AccountId);

        // As ComplianceSnapshotLoader: per-number rules count calls to a number whatever account they were about.
        var addresses = debtors.Values.SelectMany(d => d.Phones.Select(p => p.E164).Append(d.Email)).OfType<string>().Distinct().ToList();
        var since = now - LedgerLookBack;
        var ledger = await db.ContactAttempts.AsNoTracking()
            .Where(c => (accountIds.Contains(c.AccountId) || addresses.Contains(c.Address)) && c.StartedAt >= since)
            .ToListAsync(cancellationToken);
        var byAccount = ledger.ToLookup(c => c.AccountId);
        var byAddress = ledger.ToLookup(c => c.Address);
        var parties = await ComplianceSnapshotLoader.PartyReportsAsync(db, debtorIds, cancellationToken);

        var subjects = new Dictionary<AccountId, ComplianceSubject>(accounts.Count);
        foreach (var account in accounts)
        {
            if (!debtors.TryGetValue(account.DebtorId, out var debtor))
            {
                continue;
            }

            var own = byAccount[account.Id]
                .Concat(debtor.Phones.SelectMany(p => byAddress[p.E164]))
                .Concat(debtor.Email is null ? [] : byAddress[debtor.Email])
                .DistinctBy(c => c.Id)
                .ToList();
            subjects[account.Id] = new ComplianceSubject
            {
                Account = account,
                Debtor = debtor,
                OptOuts = optOuts[debtor.Id].ToList(),
                Holds = holds[account.Id].ToList(),
                Ledger = own,
                PartyReports = parties[debtor.Id].ToList(),
            };
        }

        return subjects;
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Node {NodeId} claimed {Claimed} of {Ranked} ranked accounts for campaign {Campaign}")]
    private static partial void LogClaimed(ILogger logger, string nodeId, int claimed, int ranked, string campaign);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Debug, Message = "Node {NodeId} ranked campaign {Campaign}: {Scanned} due account(s) read, {Callable} callable, {Skipped} held back by retry delays or compliance")]
    private static partial void LogRanked(ILogger logger, string nodeId, string campaign, int scanned, int callable, int skipped);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Information, Message = "Node {NodeId} claims nothing for campaign {Campaign}: it is {Status}")]
    private static partial void LogNotRunning(ILogger logger, string nodeId, string campaign, CampaignStatus status);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Debug, Message = "Node {NodeId} released account {AccountId}")]
    private static partial void LogReleased(ILogger logger, string nodeId, AccountId accountId);
}
