using System.Text.Json;
using System.Text.Json.Serialization;
using Collections.Dialer.Messaging;
using Collections.Shared.Cases;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Interest;
using Collections.Shared.Legal;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Accrual;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;
using InterestDebtor = Collections.Shared.Interest.DebtorKind;

namespace Collections.Dialer.Legal.Evidence;

/// <summary>Where the stored documents are: the letters as printed and the call recordings.</summary>
/// <param name="LettersDirectory">The print queue folder the letters' <c>DocumentPath</c> is relative to.</param>
/// <param name="RecordingsDirectory">The recordings folder (<c>Dialer:Recording:Directory</c>); null when calls are not recorded.</param>
/// <param name="RecordingKeys">The keys of recordings encrypted at rest (<c>Dialer:Recording:KeyFile</c>); null when none are.</param>
public sealed record EvidenceSources(string LettersDirectory, string? RecordingsDirectory, Recording.RecordingKeyRing? RecordingKeys = null);

/// <summary>Gathers everything the record holds about one claim into the files of an evidence pack: the cover, invoices,
/// letters exactly as stored, messages, the contact ledger, promises, plans, payments, acknowledgements of debt with their
/// signatures, call recordings with their metadata, and the limitation computation.</summary>
public sealed class EvidenceCollector(
    ICollectionsDbContextFactory contexts,
    CaseTimelineQuery timelines,
    StatutoryInterestAccrual? accrual,
    StatutoryInterestCalculator? calculator,
    AgencyDetails agency,
    EvidenceSources sources,
    TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly EvidenceCover cover = new();

    /// <summary>The files of the pack of <paramref name="accountId"/>, or null when there is no such account.</summary>
    /// <param name="language">The cover's language; null: the court's language of the debtor's jurisdiction.</param>
    public async Task<IReadOnlyList<EvidenceFile>?> CollectAsync(AccountId accountId, string? language = null, CancellationToken ct = default)
    {
        var timeline = await timelines.LoadAsync(accountId, ct);
        if (timeline is null)
        {
            return null;
        }

        await using var db = contexts.CreateDbContext();
        var account = await db.Accounts.AsNoTracking().Include(a => a.Invoices).SingleAsync(a => a.Id == accountId, ct);
        var debtor = await db.Debtors.AsNoTracking().Include(d => d.Addresses).Include(d => d.Phones).SingleAsync(d => d.Id == account.DebtorId, ct);
        var creditor = await db.Creditors.AsNoTracking().SingleAsync(c => c.Id == account.CreditorId, ct);
        var messages = await db.OutboundMessages.AsNoTracking().Where(m => m.AccountId == accountId).OrderBy(m => m.CreatedAt).ToListAsync(ct);
        var calls = await db.ContactAttempts.AsNoTracking().Where(c => c.AccountId == accountId && c.Channel == ContactChannel.Call).OrderBy(c => c.StartedAt).ToListAsync(ct);
        var acknowledgements = await db.DebtAcknowledgements.AsNoTracking().Where(a => a.AccountId == accountId).OrderBy(a => a.SignedOn).ToListAsync(ct);
        var zone = DebtorZoneResolver.Resolve(debtor) is { Zones.Count: > 0 } resolved && resolved.Primary.Id != "Etc/Unknown" ? resolved.Primary : DateTimeZone.Utc;
        var jurisdiction = (debtor.CurrentAddress?.Country ?? creditor.Country).ToUpperInvariant();

        var files = new List<EvidenceFile>();
        var contents = new List<string>();
        void Add(string path, byte[] content)
        {
            files.Add(new EvidenceFile(path, content));
            contents.Add(path);
        }

        void AddJson(string path, object value) => Add(path, JsonSerializer.SerializeToUtf8Bytes(value, Json));

        AddJson("invoices.json", account.Invoices.OrderBy(i => i.IssuedOn).Select(i => new { number = i.Number, issuedOn = Day(i.IssuedOn), dueOn = Day(i.DueOn), amount = i.Amount, currency = account.Currency }));

        // Letters exactly as handed to the print queue, with the day they were created and their delivery state. A stored PDF
        // that is no longer in the folder is listed as missing rather than silently left out.
        var letters = new List<object>();
        foreach (var letter in messages.Where(m => m.Channel == ContactChannel.Letter))
        {
            string? file = null;
            string? missing = null;
            if (letter.DocumentPath is { } stored)
            {
                var full = Path.GetFullPath(Path.Combine(sources.LettersDirectory, stored));
                if (File.Exists(full))
                {
                    file = $"letters/{Path.GetFileName(stored)}";
                    Add(file, await File.ReadAllBytesAsync(full, ct));
                }
                else
                {
                    missing = $"the stored PDF '{stored}' is not in {sources.LettersDirectory}";
                }
            }

            letters.Add(new { template = letter.Template, language = letter.Language, to = letter.To, createdAt = Iso(letter.CreatedAt), state = Kebab(letter.State), updatedAt = Iso(letter.UpdatedAt), file, missing });
        }

        AddJson("letters/letters.json", letters);
        AddJson("messages.json", messages.Where(m => m.Channel != ContactChannel.Letter).Select(m => new
        {
            channel = Kebab(m.Channel), to = m.To, template = m.Template, language = m.Language, subject = m.Subject, body = m.Body,
            createdAt = Iso(m.CreatedAt), state = Kebab(m.State), providerId = m.ProviderId, error = m.ErrorMessage,
        }));
        AddJson("contacts.json", timeline.Contacts.Select(c => new { at = Iso(c.At), channel = c.Channel, purpose = c.Purpose, outcome = c.Outcome, rightPartyContact = c.RightPartyContact, agent = c.Agent?.Value }));
        AddJson("promises.json", timeline.Promises.Select(p => new { createdAt = Iso(p.CreatedAt), channel = p.Channel, amount = p.Amount, currency = p.Currency, due = Day(p.Due), status = p.Status, received = p.Received }));
        AddJson("plans.json", timeline.Plans.Select(p => new
        {
            createdAt = Iso(p.CreatedAt), status = p.Status, total = p.Total, downPayment = p.DownPayment, frequency = p.Frequency,
            instalments = p.Instalments.Select(i => new { number = i.Number, due = Day(i.Due), amount = i.Amount, paid = i.PaidAmount, status = i.Status, paidOn = i.PaidAt is { } d ? Day(d) : null }),
        }));
        AddJson("payments.json", timeline.Payments.Select(p => new { receivedOn = Day(p.ReceivedOn), recordedAt = Iso(p.RecordedAt), amount = p.Amount, currency = p.Currency, method = p.Method, reference = p.Reference, toFees = p.ToFees, toInterest = p.ToInterest, toPrincipal = p.ToPrincipal }));

        var acks = new List<object>();
        foreach (var a in acknowledgements)
        {
            string? signature = null;
            if (a.SignaturePng is { Length: > 0 } png)
            {
                signature = $"acknowledgements/{a.Id:D}.png";
                Add(signature, png);
            }

            acks.Add(new { signedOn = Day(a.SignedOn), recordedAt = Iso(a.RecordedAt), channel = Kebab(a.Channel), text = a.Text, amount = a.Amount, currency = account.Currency, signedBy = a.SignedBy, recordedBy = a.RecordedBy, signature });
        }

        AddJson("acknowledgements/acknowledgements.json", acks);

        // Recordings of connected calls (one stereo WAV per ledger row, RecordingOptions.PathFor), with the row's metadata.
        var recordings = new List<object>();
        foreach (var call in calls)
        {
            var path = sources.RecordingsDirectory is { Length: > 0 } dir ? Path.Combine(Path.GetFullPath(dir), $"{call.Id.Value:D}.wav") : null;
            if (path is null || !File.Exists(path))
            {
                continue;
            }

            var name = $"recordings/{call.Id.Value:D}.wav";
            // Decrypted: the pack is evidence for a court, which has no key (an encrypted file is read with the ring, a plain one
            // as is). One that fails authentication was altered or its key is gone: listed as unreadable, never put in the pack.
            string? unreadable = null;
            try
            {
                Add(name, Recording.RecordingFiles.ReadWav(path, sources.RecordingKeys));
            }
            catch (Recording.RecordingUnreadableException ex)
            {
                unreadable = ex.Message;
            }

            recordings.Add(new
            {
                file = unreadable is null ? name : null, unreadable, contactAttempt = call.Id.Value, startedAt = Iso(call.StartedAt), endedAt = call.EndedAt is { } e ? Iso(e) : null,
                durationSeconds = call.EndedAt is { } end ? (int)(end - call.StartedAt).TotalSeconds : (int?)null,
                number = call.Address, agent = call.AgentId?.Value, outcome = Kebab(call.Outcome), rightPartyContact = call.RightPartyContact, callId = call.ExternalId,
            });
        }

        AddJson("recordings/recordings.json", recordings);
        if (timeline.Limitation is { } limitation)
        {
            AddJson("limitation.json", new
            {
                jurisdiction = limitation.Jurisdiction, state = Kebab(limitation.State), lastDay = limitation.LastDay is { } l ? Day(l) : null,
                source = limitation.Rule?.Source, note = limitation.Rule?.Note, claimDue = limitation.Result is { } r ? Day(r.ClaimDue) : null,
                runsFrom = limitation.Result is { } rf ? Day(rf.RunsFrom) : null,
                events = limitation.Result?.Steps.Select(s => new { on = Day(s.Event.On), kind = Kebab(s.Event.Kind), what = s.Event.Description, restarted = s.Restarted, reason = s.Reason }),
            });
        }

        // The cover goes first and lists every other file; its chronology is what happened (planned steps are not evidence).
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var interest = accrual is null ? null : await accrual.ExplainAsync(accountId, ct);
        var (rows, law) = InterestRows(interest, debtor.Kind, account.Currency);
        // The payment-order data for the debtor's country, where there is an export (DE, HU): structured for a lawyer's software.
        if (PaymentOrderExport.Build(jurisdiction, Today(zone), agency, creditor, debtor, account,
                [.. rows.Select(r => (r.From, r.To, r.Principal, r.RatePercent, r.Amount))], law) is { } order)
        {
            AddJson("payment-order.json", order);
        }

        var coverLanguage = (language ?? EvidenceCover.LanguageOf(jurisdiction)).ToLowerInvariant();
        var address = debtor.CurrentAddress is { } cur ? new[] { cur.Street, $"{cur.PostalCode} {cur.City}", cur.Country } : [];
        var coverBytes = cover.Render(new EvidenceCoverModel(
            coverLanguage, account.CreditorReference, agency, creditor.Name, creditor.Country, debtor.DisplayName, address, account.Origin ?? account.Industry.ToString(),
            account.Currency, account.Principal, account.Interest, account.StatutoryInterest, account.Fees, account.Paid, account.Balance.Amount,
            rows, law,
            [.. timeline.Payments.Select(p => new CoverPayment(p.ReceivedOn, p.Amount, p.Method, p.Reference))],
            timeline.Limitation is { LastDay: { } lastDay } lim ? $"{lim.Jurisdiction}: {Day(lastDay)} ({Kebab(lim.State)}). {lim.Rule?.Source}" + (lim.Result?.RestartedBy is { } by ? $" Restarted: {by.Description} ({Day(by.On)})." : string.Empty) : null,
            [.. timeline.Entries.Concat(acknowledgements.Select(a => new TimelineEntry(a.RecordedAt, "acknowledgement", $"{a.Amount} {account.Currency} signed by {a.SignedBy} on {Day(a.SignedOn)}")))
                .Where(e => e.At <= now).OrderBy(e => e.At).Select(e => new CoverEvent(e.At, e.Kind, e.Text))],
            contents, Today(zone), zone));
        files.Insert(0, new EvidenceFile("cover.pdf", coverBytes));
        return files;
    }

    /// <summary>Statutory interest by period with its rate: each stretch of one principal (the accrual's segments) split
    /// where the rate changes (<see cref="StatutoryInterestCalculator"/>), and the law applied.</summary>
    private (IReadOnlyList<CoverInterestRow> Rows, string? Law) InterestRows(AccountInterest? interest, Collections.Shared.Domain.DebtorKind kind, string currency)
    {
        if (interest?.Segments is not { Count: > 0 } segments || calculator is null)
        {
            return ([], interest?.Note);
        }

        var rows = new List<CoverInterestRow>();
        string? law = null;
        var debtor = kind == Collections.Shared.Domain.DebtorKind.Business ? InterestDebtor.Business : InterestDebtor.Consumer;
        foreach (var segment in segments.Where(s => !s.Paused && s.Principal > 0))
        {
            var result = calculator.Calculate(new InterestRequest(interest.Jurisdiction, debtor, segment.Principal, currency, segment.From.PlusDays(-1), segment.To), flatFee: false);
            law ??= result.Law;
            rows.AddRange(result.Periods.Select(p => new CoverInterestRow(p.From, p.To, segment.Principal, p.RatePercent, p.Amount)));
        }

        return (rows, law);
    }

    private LocalDate Today(DateTimeZone zone) => Instant.FromDateTimeOffset(time.GetUtcNow()).InZone(zone).Date;

    private static string Iso(Instant at) => InstantPattern.ExtendedIso.Format(at);

    private static string Day(LocalDate day) => LocalDatePattern.Iso.Format(day);

    private static string Kebab(Enum value) => ContactTexts.Kebab(value);
}
