using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Strategies;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Demo;

/// <summary>What <see cref="DemoProcess.StartAsync"/> set up.</summary>
public sealed record DemoProcessSummary(int CasesOpened, int CasesPlaced, int ReminderPlans, int BrokenPromises, int Callbacks, int SoonSteps);

/// <summary>
/// Puts the demo's cases into the real collection process, once, right after the demo data is loaded (docs/demo-data.md):
/// every open case gets its strategy from the claim analysis (with the reason and dated steps), is placed in the phase the
/// demo gave it (the steps before it were "before the demo started" and are marked skipped, never pretended done), and its
/// current step falls due within the next minutes, spread out so the floor fills gradually. Besides, within minutes of
/// start: instalment plans whose next instalment is in two days (the pre-instalment reminder call and SMS), a promise due
/// yesterday and unpaid (broken at the morning check, followed up), a callback an operator agreed, SMS and letter steps.
/// Everything after that is the workflow's own doing; the demo writes no contact, message or ledger row itself.
/// </summary>
public static class DemoProcess
{
    /// <summary>How many cases' calls fall due in the first minute.</summary>
    private const int FirstMinuteCalls = 30;

    /// <summary>Opens and places the cases of the freshly seeded demo database over <paramref name="db"/>.</summary>
    /// <param name="callbackAgents">Operators who take callbacks in the demo (the simulated ones), in order of preference.</param>
    public static async Task<DemoProcessSummary> StartAsync(CollectionsDbContext db, WorkflowRunner workflow, Instant now, IReadOnlyList<AgentId> callbackAgents, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(workflow);
        var services = workflow.For(db);
        var cases = await db.Cases.Where(c => c.ClosedAt == null).OrderBy(c => c.AccountId).ToListAsync(ct);
        var phases = cases.ToDictionary(c => c.AccountId, c => c.Phase);
        foreach (var @case in cases)
        {
            // The generator's cases carry a made-up strategy name and next step; the claim analysis decides for real.
            @case.StrategyId = null;
            @case.NextStep = null;
            @case.NextStepDueAt = null;
        }

        // The generator queued the calls its made-up steps would have asked for; the real process decides again now.
        await db.ScheduledContacts
            .Where(s => s.Status == ScheduledContactStatus.Queued && s.IdempotencyKey.StartsWith("demo:"))
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Status, ScheduledContactStatus.Cancelled)
                .SetProperty(s => s.ClosedAt, now)
                .SetProperty(s => s.Outcome, "superseded: the demo's cases were placed in the real process at start"), ct);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        int opened = 0, placed = 0, soon = 0;
        int phoneIndex = 0, otherIndex = 0;
        // The first calls fall due within the first minute, as a newcomer expects calls to pop at once; the rest of the
        // day's work is spread over 40 minutes so calls and letters arrive as a working day does, not all at once.
        Instant When(CaseStep step) => step.Channel == ContactChannel.Call && phoneIndex < FirstMinuteCalls
            ? now + Duration.FromSeconds(5 + (2 * phoneIndex++))
            : now + Duration.FromSeconds(60 + ((otherIndex++ * 97) % 2400));
        foreach (var (accountId, phase) in phases)
        {
            try
            {
                await services.Cases.OpenAsync(accountId, ct);
                opened++;
            }
            catch (StrategyException)
            {
                continue;   // no strategy for this claim: its case says so, and nothing is planned
            }

            if (await PlaceAsync(db, accountId, phase, When, ct))
            {
                placed++;
            }
        }

        db.ChangeTracker.Clear();
        soon += await SoonAsync(db, "sms-reminder", now + Duration.FromSeconds(75), 2, ct);
        soon += await SoonAsync(db, "written-reminder", now + Duration.FromSeconds(100), 2, ct);
        var reminderPlans = await ReminderPlansAsync(db, services, now, callbackAgents, ct);
        var broken = await BrokenPromiseAsync(db, now, ct);
        var callbacks = await CallbacksAsync(db, services, now, callbackAgents, ct);
        return new DemoProcessSummary(opened, placed, reminderPlans, broken, callbacks, soon);
    }

    /// <summary>Moves the case on <paramref name="accountId"/> to the first planned step of <paramref name="phase"/> at
    /// the time <paramref name="when"/> gives it: the steps before it are skipped as "before the demo started".</summary>
    private static async Task<bool> PlaceAsync(CollectionsDbContext db, AccountId accountId, CasePhase phase, Func<CaseStep, Instant> when, CancellationToken ct)
    {
        var @case = await db.Cases.SingleAsync(c => c.AccountId == accountId, ct);
        var steps = await db.CaseSteps.Where(s => s.CaseId == @case.Id).OrderBy(s => s.Sequence).ToListAsync(ct);
        var planned = steps.Where(s => s.Status == CaseStepStatus.Planned).ToList();
        // The phase the demo gave the case, or the nearest later one the strategy has (a long overdue claim goes to its last steps).
        var target = planned.FirstOrDefault(s => s.Phase == phase)
            ?? (phase is CasePhase.LegalReview or CasePhase.Hibernation ? planned.LastOrDefault() : null)
            ?? planned.FirstOrDefault();
        if (target is null)
        {
            return false;
        }

        foreach (var earlier in planned.Where(s => s.Sequence < target.Sequence))
        {
            earlier.Status = CaseStepStatus.Skipped;
            earlier.Note = $"before the demo started (the case entered the demo in phase {phase})";
        }

        CaseWorkflow.Shift(planned, target, when(target));
        @case.Phase = phase;
        @case.NextStep = target.StepKey;
        @case.NextStepDueAt = target.DueAt;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return true;
    }

    /// <summary>Brings <paramref name="count"/> cases whose next step is <paramref name="stepKey"/> (or could be made so) to it at
    /// <paramref name="at"/>, so the demo shows that channel within minutes.</summary>
    private static async Task<int> SoonAsync(CollectionsDbContext db, string stepKey, Instant at, int count, CancellationToken ct)
    {
        var candidates = await (from c in db.Cases
                                join s in db.CaseSteps on c.Id equals s.CaseId
                                where c.ClosedAt == null && s.StepKey == stepKey && s.Status == CaseStepStatus.Planned
                                orderby c.AccountId
                                select c.AccountId).Take(count * 4).ToListAsync(ct);
        var moved = 0;
        foreach (var accountId in candidates)
        {
            if (moved == count)
            {
                break;
            }

            var @case = await db.Cases.SingleAsync(c => c.AccountId == accountId, ct);
            if (await db.Holds.AnyAsync(h => h.AccountId == accountId && h.Until == null, ct)
                || await db.Promises.AnyAsync(p => p.AccountId == accountId && p.Status == PromiseStatus.Pending, ct))
            {
                continue;
            }

            var steps = await db.CaseSteps.Where(s => s.CaseId == @case.Id).OrderBy(s => s.Sequence).ToListAsync(ct);
            var target = steps.First(s => s.StepKey == stepKey);
            foreach (var earlier in steps.Where(s => s.Status == CaseStepStatus.Planned && s.Sequence < target.Sequence))
            {
                earlier.Status = CaseStepStatus.Skipped;
                earlier.Note = "before the demo started";
            }

            CaseWorkflow.Shift(steps.Where(s => s.Status == CaseStepStatus.Planned), target, at + Duration.FromSeconds(moved * 20));
            @case.NextStep = target.StepKey;
            @case.NextStepDueAt = target.DueAt;
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            moved++;
        }

        return moved;
    }

    /// <summary>Two consumers agree a three-instalment plan whose first instalment is in two days: the workflow's reminder
    /// (a call to the pre-instalment campaign, and an SMS or e-mail) is queued now, as it would be three days before.</summary>
    private static async Task<int> ReminderPlansAsync(CollectionsDbContext db, WorkflowServices services, Instant now, IReadOnlyList<AgentId> agents, CancellationToken ct)
    {
        var rows = await (from c in db.Cases
                          join a in db.Accounts on c.AccountId equals a.Id
                          join d in db.Debtors on a.DebtorId equals d.Id
                          where c.ClosedAt == null && c.Phase == CasePhase.PhoneAndMessages && d.Kind == DebtorKind.Consumer && !d.Vulnerable
                                && !db.InstalmentPlans.Any(p => p.AccountId == a.Id) && !db.Promises.Any(p => p.AccountId == a.Id)
                                && !db.Holds.Any(h => h.AccountId == a.Id) && !db.OptOuts.Any(o => o.DebtorId == d.Id)
                          orderby a.Id
                          select new { a.Id, d.PreferredLanguage }).Take(200).ToListAsync(ct);
        // Debtors an operator of the demo speaks to first: a progressive campaign holds an operator of the debtor's language
        // for each line, so these reminder calls reach someone within minutes (the simulated operators, or a person).
        var spoken = (await db.Agents.AsNoTracking().Where(a => a.Active).ToListAsync(ct))
            .Where(a => agents.Contains(a.Id)).SelectMany(a => a.LanguageList).ToList();
        var candidates = rows.OrderBy(r => LanguageMatch.AnyServes(spoken, r.PreferredLanguage) ? 0 : 1).Select(r => r.Id).Take(20).ToList();
        var made = 0;
        foreach (var accountId in candidates)
        {
            if (made == 2)
            {
                break;
            }

            var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, ct);
            var zone = await ZoneAsync(db, account, ct);
            var firstDue = now.InZone(zone).Date.PlusDays(2);
            var balance = account.Balance.Amount;
            var each = Math.Ceiling(balance / 3m);
            try
            {
                var (_, work) = await services.Instalments.CreateAsync(accountId, new InstalmentRequest(balance, 3, InstalmentFrequency.Monthly, firstDue, RegularAmount: each), ct: ct);
                foreach (var reminder in work.Where(w => w.Kind == WorkKind.InstalmentReminder && w.At <= now + Duration.FromMinutes(1)))
                {
                    await services.Instalments.RemindAsync(new InstalmentId(Guid.Parse(reminder.Key)), ct);
                }

                made++;
            }
            catch (ArgumentException)
            {
                db.ChangeTracker.Clear();   // outside the creditor's policy (a minimum instalment): try the next one
            }
        }

        return made;
    }

    /// <summary>A promise made three days ago, due yesterday and unpaid: the morning check breaks it and queues the follow-up.</summary>
    private static async Task<int> BrokenPromiseAsync(CollectionsDbContext db, Instant now, CancellationToken ct)
    {
        var accountId = await (from c in db.Cases
                               join a in db.Accounts on c.AccountId equals a.Id
                               where c.ClosedAt == null && c.Phase == CasePhase.PhoneAndMessages
                                     && !db.Promises.Any(p => p.AccountId == a.Id) && !db.InstalmentPlans.Any(p => p.AccountId == a.Id)
                                     && !db.Holds.Any(h => h.AccountId == a.Id) && !db.OptOuts.Any(o => o.DebtorId == a.DebtorId)
                               orderby a.Id descending
                               select (AccountId?)a.Id).FirstOrDefaultAsync(ct);
        if (accountId is not { } id)
        {
            return 0;
        }

        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == id, ct);
        var zone = await ZoneAsync(db, account, ct);
        var agent = await db.Agents.AsNoTracking().Where(a => a.Active).OrderBy(a => a.Login).Select(a => (AgentId?)a.Id).FirstOrDefaultAsync(ct);
        db.Promises.Add(new PromiseToPay
        {
            AccountId = id,
            AgentId = agent,
            Amount = Math.Round(account.Balance.Amount / 2m, 2),
            Currency = account.Currency,
            DueDate = now.InZone(zone).Date.PlusDays(-1),
            Channel = ContactChannel.Call,
            Status = PromiseStatus.Pending,
            CreatedAt = now - Duration.FromDays(3),
        });
        var @case = await db.Cases.SingleAsync(c => c.AccountId == id, ct);
        @case.Phase = CasePhase.PaymentArrangement;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return 1;
    }

    /// <summary>The demo's agreed callbacks (dispositions with a call-back time still ahead) become queued calls for their
    /// operator, and one more is agreed for three minutes after start with the first operator who speaks the debtor's language.</summary>
    private static async Task<int> CallbacksAsync(CollectionsDbContext db, WorkflowServices services, Instant now, IReadOnlyList<AgentId> agents, CancellationToken ct)
    {
        var queued = 0;
        var agreed = await db.Dispositions.AsNoTracking()
            .Where(d => d.Code == DispositionCode.Callback && d.CallbackAt != null && d.CallbackAt > now && d.AgentId != null)
            .ToListAsync(ct);
        foreach (var d in agreed)
        {
            await services.Cases.QueueCallbackAsync(d.AccountId, d.AgentId!.Value, d.CallbackAt!.Value, null, $"callback:demo:{d.Id}", ct);
            queued++;
        }

        var operators = await db.Agents.AsNoTracking().Where(a => a.Active).ToListAsync(ct);
        foreach (var agentId in agents)
        {
            var agent = operators.FirstOrDefault(a => a.Id == agentId);
            if (agent is null)
            {
                continue;
            }

            var languages = agent.LanguageList;
            var accountId = await (from c in db.Cases
                                   join a in db.Accounts on c.AccountId equals a.Id
                                   join d in db.Debtors on a.DebtorId equals d.Id
                                   where c.ClosedAt == null && c.Phase == CasePhase.PhoneAndMessages && languages.Contains(d.PreferredLanguage)
                                         && !db.Holds.Any(h => h.AccountId == a.Id) && !db.Promises.Any(p => p.AccountId == a.Id)
                                         && !db.InstalmentPlans.Any(p => p.AccountId == a.Id) && !db.OptOuts.Any(o => o.DebtorId == d.Id)
                                   orderby a.Id
                                   select (AccountId?)a.Id).FirstOrDefaultAsync(ct);
            if (accountId is { } id)
            {
                await services.Cases.QueueCallbackAsync(id, agentId, now + Duration.FromMinutes(3), null, $"callback:demo:start:{id}", ct);
                queued++;
                break;
            }
        }

        await db.SaveChangesAsync(ct);
        return queued;
    }

    private static async Task<DateTimeZone> ZoneAsync(CollectionsDbContext db, Account account, CancellationToken ct)
    {
        var debtor = await db.Debtors.AsNoTracking().Include(d => d.Addresses).Include(d => d.Phones).SingleAsync(d => d.Id == account.DebtorId, ct);
        var country = await db.Creditors.AsNoTracking().Where(c => c.Id == account.CreditorId).Select(c => c.Country).SingleAsync(ct);
        return AccountContext.Locate(debtor, country).Zone;
    }
}
