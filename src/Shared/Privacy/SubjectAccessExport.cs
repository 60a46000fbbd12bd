using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;

namespace Collections.Shared.Privacy;

/// <summary>
/// Everything the platform holds about one data subject, for an access request (GDPR Art. 15: a copy of the personal data,
/// the purposes, the recipients, the source, how long it is kept). The debtor, every address and number ever held, opt-outs,
/// and per account the claim, its case and steps, every contact in the ledger, the operators' notes, promises, plans,
/// payments, messages sent and received, calls received (and their voicemails), settlement offers and the call recordings on file.
/// </summary>
public static class SubjectAccessExport
{
    private static string Iso(Instant at) => InstantPattern.ExtendedIso.Format(at);

    private static string? Iso(Instant? at) => at is { } value ? Iso(value) : null;

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    private static string? Iso(LocalDate? date) => date is { } value ? Iso(value) : null;

    /// <summary>The export for <paramref name="debtorId"/>, or null when no such debtor exists.</summary>
    /// <param name="recordingPath">Where a call's recording would be (null: recordings are not kept).</param>
    public static async Task<object?> BuildAsync(CollectionsDbContext db, DebtorId debtorId, Instant now, Func<Guid, string?>? recordingPath, CancellationToken ct)
    {
        var debtor = await db.Debtors.AsNoTracking().Include(d => d.Addresses).Include(d => d.Phones).FirstOrDefaultAsync(d => d.Id == debtorId, ct);
        if (debtor is null)
        {
            return null;
        }

        var accounts = await db.Accounts.AsNoTracking().Include(a => a.Invoices).Where(a => a.DebtorId == debtorId).ToListAsync(ct);
        var creditorIds = accounts.Select(a => a.CreditorId).Distinct().ToList();
        var creditors = await db.Creditors.AsNoTracking().Where(c => creditorIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var agents = await db.Agents.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        string? Agent(AgentId? id) => id is { } a && agents.TryGetValue(a, out var name) ? name : null;

        var perAccount = new List<object>();
        foreach (var account in accounts)
        {
            var id = account.Id;
            var @case = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.AccountId == id, ct);
            var steps = @case is null ? [] : await db.CaseSteps.AsNoTracking().Where(s => s.CaseId == @case.Id).OrderBy(s => s.Sequence).ToListAsync(ct);
            var contacts = await db.ContactAttempts.AsNoTracking().Where(c => c.AccountId == id).OrderBy(c => c.StartedAt).ToListAsync(ct);
            var dispositions = await db.Dispositions.AsNoTracking().Where(d => d.AccountId == id).OrderBy(d => d.At).ToListAsync(ct);
            var promises = await db.Promises.AsNoTracking().Where(p => p.AccountId == id).ToListAsync(ct);
            var plans = await db.InstalmentPlans.AsNoTracking().Include(p => p.Instalments).Where(p => p.AccountId == id).ToListAsync(ct);
            var payments = await db.Payments.AsNoTracking().Where(p => p.AccountId == id).ToListAsync(ct);
            var messages = await db.OutboundMessages.AsNoTracking().Where(m => m.AccountId == id).OrderBy(m => m.CreatedAt).ToListAsync(ct);
            var holds = await db.Holds.AsNoTracking().Where(h => h.AccountId == id).ToListAsync(ct);
            var offers = await db.SettlementOffers.AsNoTracking().Where(o => o.AccountId == id).ToListAsync(ct);
            var creditor = creditors.GetValueOrDefault(account.CreditorId);
            perAccount.Add(new
            {
                reference = account.CreditorReference,
                creditor = creditor?.Name,
                // Art. 15(1)(g): where the data came from; (c): to whom it is disclosed.
                source = $"placed by {creditor?.Name} for collection ({account.Origin ?? "origin not stated"})",
                recipients = new[] { creditor?.Name },
                claim = new { account.Currency, account.Principal, account.Interest, account.Fees, account.Paid, dueDate = Iso(account.DueDate) },
                invoices = account.Invoices.Select(i => new { i.Number, issued = Iso(i.IssuedOn), due = Iso(i.DueOn), i.Amount }),
                @case = @case is null ? null : new { phase = @case.Phase.ToString(), strategy = @case.StrategyId, openedAt = Iso(@case.OpenedAt), closedAt = Iso(@case.ClosedAt) },
                steps = steps.Select(s => new { key = s.StepKey, channel = s.Channel.ToString(), dueAt = Iso(s.DueAt), status = s.Status.ToString(), executedAt = Iso(s.ExecutedAt) }),
                contacts = contacts.Select(c => new
                {
                    channel = c.Channel.ToString(), to = c.Address, startedAt = Iso(c.StartedAt), endedAt = Iso(c.EndedAt),
                    outcome = c.Outcome.ToString(), conversation = c.RightPartyContact, purpose = c.Purpose?.ToString(),
                    recording = c.Channel == ContactChannel.Call && recordingPath?.Invoke(c.Id.Value) is { } path && File.Exists(path) ? path : null,
                }),
                notes = dispositions.Select(d => new { at = Iso(d.At), code = d.Code.ToString(), d.Note, operatorName = Agent(d.AgentId), callbackAt = Iso(d.CallbackAt) }),
                promises = promises.Select(p => new { p.Amount, p.Currency, dueDate = Iso(p.DueDate), status = p.Status.ToString(), madeAt = Iso(p.CreatedAt) }),
                plans = plans.Select(p => new
                {
                    status = p.Status.ToString(), p.Currency,
                    instalments = p.Instalments.OrderBy(i => i.Number).Select(i => new { i.Number, dueDate = Iso(i.DueDate), i.Amount, status = i.Status.ToString() }),
                }),
                payments = payments.Select(p => new { receivedOn = Iso(p.ReceivedOn), p.Amount, p.Currency, method = p.Method.ToString(), p.Reference, p.PayerAccount }),
                messages = messages.Select(m => new { channel = m.Channel.ToString(), m.To, m.Subject, m.Body, state = m.State.ToString(), createdAt = Iso(m.CreatedAt) }),
                holds = holds.Select(h => new { kind = h.Kind.ToString(), h.Reason, from = Iso(h.From), until = Iso(h.Until) }),
                settlementOffers = offers.Select(o => new { o.Amount, status = o.Status.ToString() }),
            });
        }

        var numbers = debtor.Phones.Select(p => p.E164).ToList();
        var inbound = await db.InboundMessages.AsNoTracking().Where(m => m.DebtorId == debtorId || numbers.Contains(m.From)).ToListAsync(ct);
        var optOuts = await db.OptOuts.AsNoTracking().Where(o => o.DebtorId == debtorId).ToListAsync(ct);
        // Calls the debtor (or anyone from one of their numbers) made to our inbound numbers, with the voicemail left, if any.
        var calls = await db.InboundCalls.AsNoTracking().Where(c => c.DebtorId == debtorId || numbers.Contains(c.From)).OrderBy(c => c.ReceivedAt).ToListAsync(ct);
        return new
        {
            exportedAt = Iso(now),
            subject = new
            {
                kind = debtor.Kind.ToString(), debtor.FirstName, debtor.LastName, debtor.CompanyName, dateOfBirth = Iso(debtor.DateOfBirth),
                debtor.Email, language = debtor.PreferredLanguage, timeZone = debtor.TimeZoneId, debtor.Vulnerable,
            },
            purposes = new[] { "collection of the debts listed below on behalf of their creditors", "compliance with contact rules (calling hours, caps, opt-outs)" },
            addresses = debtor.Addresses.OrderBy(a => a.ValidFrom).Select(a => new { a.Street, a.PostalCode, a.City, a.Country, validFrom = Iso(a.ValidFrom), validUntil = Iso(a.ValidUntil) }),
            phones = debtor.Phones.OrderBy(p => p.Priority).Select(p => new { number = p.E164, kind = p.Kind.ToString(), autodialConsent = p.AutodialConsent, p.ConsentSource }),
            optOuts = optOuts.Select(o => new { channel = o.Channel.ToString(), o.Address, at = Iso(o.At), o.Source }),
            messagesReceived = inbound.Select(m => new { m.From, m.Body, receivedAt = Iso(m.ReceivedAt) }),
            callsReceived = calls.Select(c => new
            {
                c.From, to = c.Did, receivedAt = Iso(c.ReceivedAt), queuedAt = Iso(c.QueuedAt), answeredAt = Iso(c.AnsweredAt), endedAt = Iso(c.EndedAt),
                outcome = c.Outcome.ToString(), operatorName = Agent(c.AgentId),
                voicemail = c.VoicemailPath is { } path && File.Exists(path) ? path : null,
            }),
            accounts = perAccount,
        };
    }
}
