using Collections.Shared.Audit;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Privacy;

/// <summary>An erasure to carry out: whose, why (for the audit trail), by whom, and whether only to report what it would do.</summary>
public sealed record ErasureRequest(DebtorId Debtor, string Reason, string Actor, bool DryRun);

/// <summary>Where the files about a debtor are: a call's recording by its ledger row's id, a letter by its stored
/// <c>DocumentPath</c>; null when there is no such folder.</summary>
public sealed record ErasureFiles(Func<Guid, string?> Recording, Func<string, string?> Letter)
{
    /// <summary>No files kept (tests of the database part).</summary>
    public static ErasureFiles None { get; } = new(_ => null, _ => null);
}

/// <summary>What an erasure did or would do.</summary>
/// <param name="Outcome"><c>erased</c>; <c>held</c> (nothing changed, see <paramref name="Holds"/>); <c>would-erase</c> for a
/// dry run; <c>nothing-left</c> when an earlier erasure had already removed everything.</param>
/// <param name="Anonymised">Per table, the rows whose personal fields were removed or blanked.</param>
/// <param name="Suppressed">Numbers and addresses added to the suppression list.</param>
/// <param name="Files">Recordings and letters deleted (or, in a dry run, that would be).</param>
/// <param name="Kept">What stays, and why.</param>
public sealed record ErasureResult(
    DebtorId Debtor, string Outcome, IReadOnlyList<ErasureHold> Holds, IReadOnlyDictionary<string, int> Anonymised, int Suppressed, IReadOnlyList<string> Files,
    IReadOnlyList<string> Kept)
{
    public bool Held => Holds.Count > 0;
}

/// <summary>
/// Erasure of one debtor's personal data on request (GDPR Art. 17(1)) or at the end of retention (Art. 5(1)(e), storage
/// limitation), when no legal hold applies (<see cref="ErasureHolds"/>, Art. 17(3)). Personal data goes: names, date of birth,
/// e-mail, street, postal code and city, numbers, the numbers and addresses in the contact ledger and on messages, message
/// bodies, operators' and legal notes, payers' bank details, signatures, call recordings and printed letters. What creditors'
/// reports and statistics need stays without the person: amounts, dates, outcomes, counts of contacts (the compliance
/// ledger's rows), the country, the language. Opt-outs survive as hashes on the suppression list (Art. 21(3)).
/// </summary>
/// <remarks>
/// One database transaction holds every change and the audit entry recording it (Art. 5(2)): a crash before the commit
/// leaves the data as it was, and the request can be run again. Files are deleted just before the commit; a rerun finds
/// nothing left in the database and deletes any file still there, so the operation is idempotent.
/// </remarks>
public static class SubjectErasure
{
    /// <summary>What replaces a number, address or name that must keep a value (the column is required).</summary>
    public const string Erased = "erased";

    /// <summary>Erases the debtor's data, or reports the holds that prevent it; null when no such debtor exists.</summary>
    public static async Task<ErasureResult?> EraseAsync(Func<CollectionsDbContext> contexts, ErasureRequest request, Instant now, ErasureFiles files, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = contexts();
                return await EraseOnceAsync(db, request, now, files, ct);
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // Another writer appended to the audit trail first: the whole transaction is run again (it is idempotent).
            }
        }
    }

    private static async Task<ErasureResult?> EraseOnceAsync(CollectionsDbContext db, ErasureRequest request, Instant now, ErasureFiles files, CancellationToken ct)
    {
        var id = request.Debtor;
        if (!await db.Debtors.AnyAsync(d => d.Id == id, ct))
        {
            return null;
        }

        var holds = await ErasureHolds.FindAsync(db, id, now, ct);
        if (holds.Count > 0)
        {
            return new ErasureResult(id, "held", holds, new Dictionary<string, int>(), 0, [], []);
        }

        // SQLite leaves deleted and overwritten content in free pages of the file until they are reused: secure_delete
        // overwrites it with zeros (https://sqlite.org/pragma.html#pragma_secure_delete), and the checkpoint after the commit
        // moves the new pages out of the WAL into the file. (PostgreSQL keeps old row versions until VACUUM: docs/privacy.md.)
        var sqlite = db.Database.ProviderName?.EndsWith(".Sqlite", StringComparison.Ordinal) == true;
        if (sqlite)
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete = ON", ct);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var debtor = await db.Debtors.Include(d => d.Addresses).Include(d => d.Phones).AsSplitQuery().SingleAsync(d => d.Id == id, ct);
        var accountIds = await db.Accounts.Where(a => a.DebtorId == id).Select(a => a.Id).ToListAsync(ct);
        var caseIds = await db.Cases.Where(c => accountIds.Contains(c.AccountId)).Select(c => c.Id).ToListAsync(ct);
        var numbers = debtor.Phones.Select(p => p.E164).ToList();
        var changed = new Dictionary<string, int>();

        // Opt-outs first, while the numbers and addresses are still known.
        var suppressed = await SuppressAsync(db, debtor, ct);

        // The files: every call's recording, every letter handed to the print queue.
        var calls = await db.ContactAttempts.Where(c => (c.DebtorId == id || accountIds.Contains(c.AccountId)) && c.Channel == ContactChannel.Call).Select(c => c.Id).ToListAsync(ct);
        var letters = await db.OutboundMessages.Where(m => accountIds.Contains(m.AccountId) && m.DocumentPath != null).Select(m => m.DocumentPath!).ToListAsync(ct);
        // Calls made to our inbound numbers from the debtor's numbers (matched or not) and the voicemails left on them.
        var inboundCalls = db.InboundCalls.Where(c => c.DebtorId == id || numbers.Contains(c.From));
        var voicemails = await inboundCalls.Where(c => c.VoicemailPath != null).Select(c => c.VoicemailPath!).ToListAsync(ct);
        var inboundRecordings = await inboundCalls.Where(c => c.AnsweredAt != null).Select(c => c.Id).ToListAsync(ct);
        var paths = calls.Concat(inboundRecordings).Distinct().Select(c => files.Recording(c.Value)).Concat(letters.Select(files.Letter)).Concat(voicemails)
            .OfType<string>().Where(File.Exists).ToList();

        var person = debtor.FirstName is not null || debtor.LastName is not null || debtor.CompanyName is not null || debtor.Email is not null || debtor.DateOfBirth is not null || debtor.Vulnerable;
        debtor.FirstName = debtor.LastName = debtor.CompanyName = debtor.Email = null;
        debtor.DateOfBirth = null;
        debtor.Vulnerable = false;
        debtor.ErasedAt ??= now;
        changed["debtors"] = person ? 1 : 0;
        // The country stays: it decides the jurisdiction of the figures kept (reports by country, limitation, interest).
        var addresses = debtor.Addresses.Where(a => a.Street.Length > 0 || a.PostalCode.Length > 0 || a.City.Length > 0).ToList();
        foreach (var address in addresses)
        {
            address.Street = address.PostalCode = address.City = "";
        }

        changed["debtor_addresses"] = addresses.Count;
        changed["phone_numbers"] = debtor.Phones.Count;
        db.PhoneNumbers.RemoveRange(debtor.Phones);
        await db.SaveChangesAsync(ct);

        // Opt-outs stay (counted in reports, and still refuse contact with this debtor) without the number or address:
        // without one an opt-out covers every address on its channel, which is what an erased debtor needs.
        changed["opt_outs"] = await db.OptOuts.Where(o => o.DebtorId == id && o.Address != null)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.Address, (string?)null), ct);
        changed["contact_attempts"] = await db.ContactAttempts.Where(c => (c.DebtorId == id || accountIds.Contains(c.AccountId)) && (c.Address != Erased || c.ExternalId != null))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Address, Erased).SetProperty(c => c.ExternalId, (string?)null), ct);
        changed["dispositions"] = await db.Dispositions.Where(d => accountIds.Contains(d.AccountId) && d.Note != null)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.Note, (string?)null), ct);
        changed["case_steps"] = await db.CaseSteps.Where(s => caseIds.Contains(s.CaseId) && s.Note != null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Note, (string?)null), ct);
        changed["outbound_messages"] = await db.OutboundMessages
            .Where(m => accountIds.Contains(m.AccountId) && (m.To != Erased || m.Body != "" || m.Subject != null || m.ContentVariables != null || m.ErrorMessage != null || m.DocumentPath != null))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.To, Erased).SetProperty(m => m.Body, "").SetProperty(m => m.Subject, (string?)null)
                .SetProperty(m => m.ContentVariables, (string?)null).SetProperty(m => m.ErrorMessage, (string?)null).SetProperty(m => m.DocumentPath, (string?)null), ct);
        // The caller's number, the SIP Call-ID (it names the caller's host) and the voicemail's file go; the row stays with its
        // times and outcome for the queue's service-level figures.
        changed["inbound_calls"] = await inboundCalls.Where(c => c.From != Erased || c.SipCallId != "" || c.VoicemailPath != null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.From, Erased).SetProperty(c => c.SipCallId, "").SetProperty(c => c.VoicemailPath, (string?)null), ct);
        changed["inbound_messages"] = await db.InboundMessages.Where(m => (m.DebtorId == id || numbers.Contains(m.From)) && (m.From != Erased || m.Body != ""))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.From, Erased).SetProperty(m => m.Body, ""), ct);
        // Bookkeeping records keep amount, currency, date and allocation (HGB § 257(1) no. 4 and (4), AO § 147(1) no. 4 and
        // (3): 10 years in Germany); who paid and from which bank account is not needed for that.
        var matched = accountIds.Select(a => (AccountId?)a).ToList();
        changed["payments"] = await db.Payments.Where(p => matched.Contains(p.AccountId) && (p.PayerAccount != null || p.Reference != null))
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.PayerAccount, (string?)null).SetProperty(p => p.Reference, (string?)null), ct);
        changed["holds"] = await db.Holds.Where(h => accountIds.Contains(h.AccountId) && h.Reason != Erased)
            .ExecuteUpdateAsync(u => u.SetProperty(h => h.Reason, Erased), ct);
        changed["settlement_offers"] = await db.SettlementOffers.Where(o => accountIds.Contains(o.AccountId) && o.Note != null)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.Note, (string?)null), ct);
        changed["legal_action_consents"] = await db.LegalActionConsents.Where(c => accountIds.Contains(c.AccountId) && (c.RequestNote != null || c.Note != null))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RequestNote, (string?)null).SetProperty(c => c.Note, (string?)null), ct);
        changed["debt_acknowledgements"] = await db.DebtAcknowledgements.Where(a => accountIds.Contains(a.AccountId) && (a.Text != "" || a.SignedBy != Erased || a.SignaturePng != null))
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.Text, "").SetProperty(a => a.SignedBy, Erased).SetProperty(a => a.SignaturePng, (byte[]?)null), ct);
        changed["field_visit_outcomes"] = await db.FieldVisitOutcomes.Where(o => accountIds.Contains(o.AccountId) && o.Note != null)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.Note, (string?)null), ct);

        var anything = changed.Values.Any(n => n > 0) || suppressed > 0 || paths.Count > 0;
        var kept = Kept(accountIds.Count);
        if (request.DryRun)
        {
            await transaction.RollbackAsync(ct);
            return new ErasureResult(id, anything ? "would-erase" : "nothing-left", [], changed, suppressed, paths, kept);
        }

        if (anything)
        {
            await AuditTrail.AddInTransactionAsync(db, now, request.Actor, "change", $"debtor:{id.Value}", $"privacy erase: {request.Reason}", Environment.MachineName, ct);
        }

        await db.SaveChangesAsync(ct);
        foreach (var path in paths)
        {
            File.Delete(path);
        }

        await transaction.CommitAsync(ct);
        if (sqlite && anything)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)", ct);
        }

        return new ErasureResult(id, anything ? "erased" : "nothing-left", [], changed, suppressed, paths, kept);
    }

    /// <summary>Puts each active opt-out's numbers and addresses on the suppression list, once; returns how many were added.</summary>
    private static async Task<int> SuppressAsync(CollectionsDbContext db, Debtor debtor, CancellationToken ct)
    {
        var optOuts = await db.OptOuts.AsNoTracking().Where(o => o.DebtorId == debtor.Id && o.RevokedAt == null).ToListAsync(ct);
        var phones = debtor.Phones.Select(p => p.E164).ToList();
        var wanted = new List<SuppressedAddress>();
        foreach (var optOut in optOuts)
        {
            // An opt-out of one address covers that address; of a whole channel (or a cease-communication request), every
            // number or address the debtor has on it. Letters and visits go to postal addresses, which are not listed.
            IEnumerable<string> covered = optOut.Address is { } one ? [one] : optOut.Channel switch
            {
                null => SuppressionList.AddressesOf(debtor),
                ContactChannel.Email => debtor.Email is { } email ? [email] : [],
                ContactChannel.Call or ContactChannel.Sms or ContactChannel.WhatsApp => phones,
                _ => [],
            };
            wanted.AddRange(covered.Select(a => new SuppressedAddress { Hash = SuppressionList.Hash(a), Channel = optOut.Channel, At = optOut.At, Source = optOut.Source }));
        }

        var hashes = wanted.Select(w => w.Hash).Distinct().ToList();
        var existing = (await db.Suppressions.AsNoTracking().Where(s => hashes.Contains(s.Hash)).Select(s => new { s.Hash, s.Channel }).ToListAsync(ct))
            .Select(s => (s.Hash, s.Channel)).ToHashSet();
        var added = wanted.DistinctBy(w => (w.Hash, w.Channel)).Where(w => existing.Add((w.Hash, w.Channel))).ToList();
        db.Suppressions.AddRange(added);
        return added.Count;
    }

    private static List<string> Kept(int accounts) =>
    [
        $"{accounts} account(s) with reference, amounts, invoices, case phases, promises, plans and dates: the creditor's reports and statistics",
        "payments' amounts, currency, dates and allocation: bookkeeping records (HGB § 257(4), AO § 147(3): 10 years), without the payer",
        "contact ledger rows (channel, time, outcome) without the number: contact counts and compliance caps",
        "opt-outs, and their numbers as hashes on the suppression list: an objection keeps blocking contact (GDPR Art. 21(3))",
        "country and language of the debtor; audit trail entries (GDPR Art. 5(2), accountability)",
    ];
}
