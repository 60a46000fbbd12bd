using Collections.Shared.Audit;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Privacy;
using Collections.Shared.Queues;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Tests.Privacy;

/// <summary>Erasure on request (GDPR Art. 17) on a SQLite file: refused while a legal hold applies, each hold named; otherwise
/// every personal field gone, the figures kept, files deleted, opt-outs still refusing contact, one audit entry.</summary>
public sealed class SubjectErasureTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Instant Now = Instant.FromUtc(2026, 12, 4, 12, 0);

    private readonly DatabaseOptions _db = TestDatabases.NewSqlite();
    private readonly string _files = Directory.CreateTempSubdirectory("erasure-").FullName;

    public async ValueTask InitializeAsync() => await _db.MigrateAsync();

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_files, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Task<ErasureResult?> EraseAsync(DebtorId debtor, bool dryRun = false, ErasureFiles? files = null) =>
        SubjectErasure.EraseAsync(() => DatabaseSetup.CreateContext(_db), new ErasureRequest(debtor, "Art. 17 request by letter of 2026-12-01", "cli:test", dryRun), Now, files ?? ErasureFiles.None, Ct);

    [Fact]
    public async Task Erasure_is_refused_naming_every_legal_hold_and_changes_nothing()
    {
        var seeded = await PrivacyData.SeedAsync(_db, "OPEN-1", phase: CasePhase.PhoneAndMessages, paid: 0m);
        await using (var db = DatabaseSetup.CreateContext(_db))
        {
            var creditor = await db.Creditors.FirstAsync(Ct);
            var portfolio = await db.Portfolios.FirstAsync(Ct);
            Account Claim(string reference, decimal balance) => new()
            {
                CreditorId = creditor.Id, PortfolioId = portfolio.Id, DebtorId = seeded.Debtor, CreditorReference = reference, Currency = "EUR", Principal = balance,
            };

            var review = Claim("REVIEW-2", 100m);
            var filed = Claim("FILED-3", 250m);
            var disputed = Claim("DISPUTE-4", 0m);
            var filedCase = new Case { AccountId = filed.Id, Phase = CasePhase.Filed };
            db.AddRange(review, filed, disputed, filedCase);
            db.AddRange(
                new Case { AccountId = review.Id, Phase = CasePhase.LegalReview },
                new Case { AccountId = disputed.Id, Phase = CasePhase.Closed, ClosedAt = PrivacyData.Closed },
                new Hold { AccountId = disputed.Id, Kind = HoldKind.Dispute, Reason = "says it was paid", From = Instant.FromUtc(2026, 11, 1, 0, 0) },
                new LegalActionConsent { CaseId = filedCase.Id, AccountId = filed.Id, Filing = "payment-order", Approved = true });
            await db.SaveChangesAsync(Ct);
        }

        var result = await EraseAsync(seeded.Debtor);

        Assert.NotNull(result);
        Assert.Equal("held", result.Outcome);
        Assert.Equal(
            ["DISPUTE-4:dispute", "FILED-3:balance-outstanding", "FILED-3:filed", "FILED-3:payment-order", "OPEN-1:balance-outstanding", "OPEN-1:open-case", "REVIEW-2:balance-outstanding", "REVIEW-2:legal-review"],
            result.Holds.Select(h => $"{h.Account}:{h.Kind}").Order(StringComparer.Ordinal));
        Assert.All(result.Holds, h => Assert.StartsWith("GDPR Art. 17(3)", h.Ground, StringComparison.Ordinal));
        await using var after = DatabaseSetup.CreateContext(_db);
        var debtor = await after.Debtors.Include(d => d.Phones).SingleAsync(d => d.Id == seeded.Debtor, Ct);
        Assert.Equal("Erika", debtor.FirstName);
        Assert.Equal(2, debtor.Phones.Count);
        Assert.Null(debtor.ErasedAt);
        Assert.Equal(0, await after.AuditEntries.CountAsync(Ct));
    }

    [Fact]
    public async Task Calls_to_our_inbound_numbers_are_exported_then_lose_the_callers_number_and_their_voicemail()
    {
        var seeded = await PrivacyData.SeedAsync(_db);
        var voicemail = Path.Combine(_files, "voicemail.wav");
        File.WriteAllBytes(voicemail, "RIFF...."u8.ToArray());
        var matched = new InboundCall
        {
            From = PrivacyData.Mobile, Did = "+442079460000", SipCallId = "a84b4c76e66710@198.51.100.7", ReceivedAt = Now - Duration.FromDays(2),
            Language = "de", DebtorId = seeded.Debtor, AccountId = seeded.Account, Outcome = InboundCallOutcome.Voicemail, VoicemailPath = voicemail,
        };
        // The same number before it matched anyone (or while it was shared): the debtor's call all the same.
        var unmatched = new InboundCall
        {
            From = PrivacyData.Landline, Did = "+442079460000", SipCallId = "b1@198.51.100.7", ReceivedAt = Now - Duration.FromDays(1),
            Language = "en", Outcome = InboundCallOutcome.AbandonedInIvr,
        };
        var stranger = new InboundCall
        {
            From = "+447700900999", Did = "+442079460000", SipCallId = "c1@203.0.113.9", ReceivedAt = Now, Language = "en", Outcome = InboundCallOutcome.AbandonedInIvr,
        };
        await using (var db = DatabaseSetup.CreateContext(_db))
        {
            db.InboundCalls.AddRange(matched, unmatched, stranger);
            await db.SaveChangesAsync(Ct);
            var export = System.Text.Json.JsonSerializer.Serialize(await SubjectAccessExport.BuildAsync(db, seeded.Debtor, Now, null, Ct),
                new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            Assert.Contains("\"callsReceived\":[{\"From\":\"+4915112345678\"", export, StringComparison.Ordinal);
            Assert.Contains("\"From\":\"+4930123456\"", export, StringComparison.Ordinal);
            Assert.Contains($"\"voicemail\":\"{voicemail}\"", export, StringComparison.Ordinal);
            Assert.DoesNotContain("+447700900999", export, StringComparison.Ordinal);
        }

        var result = await EraseAsync(seeded.Debtor);

        Assert.Equal("erased", result!.Outcome);
        Assert.Equal(2, result.Anonymised["inbound_calls"]);
        Assert.Contains(voicemail, result.Files);
        Assert.False(File.Exists(voicemail));
        await using var after = DatabaseSetup.CreateContext(_db);
        var rows = await after.InboundCalls.AsNoTracking().ToDictionaryAsync(c => c.Id, Ct);
        Assert.Equal((SubjectErasure.Erased, "", (string?)null, InboundCallOutcome.Voicemail), (rows[matched.Id].From, rows[matched.Id].SipCallId, rows[matched.Id].VoicemailPath, rows[matched.Id].Outcome));
        Assert.Equal((SubjectErasure.Erased, ""), (rows[unmatched.Id].From, rows[unmatched.Id].SipCallId));
        Assert.Equal("+447700900999", rows[stranger.Id].From);
    }

    [Fact]
    public async Task A_time_barred_or_recalled_balance_on_a_closed_case_is_no_hold()
    {
        var barred = await PrivacyData.SeedAsync(_db, "BARRED-1", paid: 100m);
        var recalled = await PrivacyData.SeedAsync(_db, "RECALL-2", paid: 100m);
        await using (var db = DatabaseSetup.CreateContext(_db))
        {
            (await db.Cases.SingleAsync(c => c.Id == barred.Case, Ct)).LimitationLastDay = new LocalDate(2025, 12, 31);
            db.Add(new Hold { AccountId = recalled.Account, Kind = HoldKind.CreditorRecall, Reason = "recalled", From = PrivacyData.Closed });
            await db.SaveChangesAsync(Ct);
        }

        Assert.Equal("erased", (await EraseAsync(barred.Debtor))!.Outcome);
        Assert.Equal("erased", (await EraseAsync(recalled.Debtor))!.Outcome);
    }

    [Fact]
    public async Task Erasure_removes_each_personal_field_keeps_the_figures_and_deletes_the_files()
    {
        var recordings = Directory.CreateDirectory(Path.Combine(_files, "recordings")).FullName;
        var letters = Directory.CreateDirectory(Path.Combine(_files, "letters")).FullName;
        File.WriteAllBytes(Path.Combine(letters, "letter-1.pdf"), [0x25, 0x50, 0x44, 0x46]);
        var seeded = await PrivacyData.SeedAsync(_db, letter: "letter-1.pdf");
        var recording = Path.Combine(recordings, $"{seeded.Call.Value:D}.wav");
        File.WriteAllBytes(recording, "RIFF...."u8.ToArray());
        var files = new ErasureFiles(id => Path.Combine(recordings, $"{id:D}.wav"), stored => Path.Combine(letters, stored));

        var dry = await EraseAsync(seeded.Debtor, dryRun: true, files: files);
        Assert.Equal("would-erase", dry!.Outcome);
        Assert.Equal(2, dry.Files.Count);
        Assert.True(File.Exists(recording), "a dry run deletes nothing");
        await using (var unchanged = DatabaseSetup.CreateContext(_db))
        {
            Assert.Equal("Erika", (await unchanged.Debtors.SingleAsync(d => d.Id == seeded.Debtor, Ct)).FirstName);
            Assert.Equal(0, await unchanged.Suppressions.CountAsync(Ct));
        }

        var result = await EraseAsync(seeded.Debtor, files: files);

        Assert.Equal("erased", result!.Outcome);
        Assert.False(File.Exists(recording));
        Assert.False(File.Exists(Path.Combine(letters, "letter-1.pdf")));
        await using var db = DatabaseSetup.CreateContext(_db);
        var debtor = await db.Debtors.Include(d => d.Addresses).Include(d => d.Phones).SingleAsync(d => d.Id == seeded.Debtor, Ct);
        Assert.Null(debtor.FirstName);
        Assert.Null(debtor.LastName);
        Assert.Null(debtor.Email);
        Assert.Null(debtor.DateOfBirth);
        Assert.False(debtor.Vulnerable);
        Assert.Equal(Now, debtor.ErasedAt);
        Assert.Empty(debtor.Phones);
        var address = Assert.Single(debtor.Addresses);
        Assert.Equal(("", "", "", "DE"), (address.Street, address.PostalCode, address.City, address.Country));
        Assert.Equal("de", debtor.PreferredLanguage);

        var contacts = await db.ContactAttempts.Where(c => c.AccountId == seeded.Account).ToListAsync(Ct);
        Assert.Equal(2, contacts.Count);
        Assert.All(contacts, c => Assert.Equal((SubjectErasure.Erased, (string?)null), (c.Address, c.ExternalId)));
        Assert.Contains(contacts, c => c.Outcome == ContactOutcome.Answered && c.RightPartyContact && c.EndedAt == Instant.FromUtc(2022, 3, 1, 9, 5));
        Assert.Null((await db.Dispositions.SingleAsync(Ct)).Note);
        Assert.Equal(DispositionCode.PromiseToPay, (await db.Dispositions.SingleAsync(Ct)).Code);
        Assert.Null((await db.CaseSteps.SingleAsync(Ct)).Note);
        var messages = await db.OutboundMessages.ToListAsync(Ct);
        Assert.All(messages, m => Assert.Equal((SubjectErasure.Erased, "", (string?)null, (string?)null), (m.To, m.Body, m.ContentVariables, m.DocumentPath)));
        Assert.Contains(messages, m => m.State == OutboundMessageState.Delivered && m.Template == "sms.first-reminder");
        var inbound = await db.InboundMessages.SingleAsync(Ct);
        Assert.Equal((SubjectErasure.Erased, ""), (inbound.From, inbound.Body));
        var payment = await db.Payments.SingleAsync(Ct);
        Assert.Equal((300m, "EUR", new LocalDate(2022, 6, 1), (string?)null, (string?)null), (payment.Amount, payment.Currency, payment.ReceivedOn, payment.PayerAccount, payment.Reference));
        Assert.Equal(SubjectErasure.Erased, (await db.Holds.SingleAsync(Ct)).Reason);
        var acknowledgement = await db.DebtAcknowledgements.SingleAsync(Ct);
        Assert.Equal(("", SubjectErasure.Erased, (byte[]?)null, 300m), (acknowledgement.Text, acknowledgement.SignedBy, acknowledgement.SignaturePng, acknowledgement.Amount));
        var account = await db.Accounts.Include(a => a.Invoices).SingleAsync(Ct);
        Assert.Equal(("TEL-9001", 300m, 300m), (account.CreditorReference, account.Principal, account.Paid));
        Assert.Single(account.Invoices);
        Assert.Equal(PrivacyData.Closed, (await db.Cases.SingleAsync(Ct)).ClosedAt);
        Assert.All(await db.OptOuts.ToListAsync(Ct), o => Assert.Null(o.Address));
        Assert.Equal(2, await db.OptOuts.CountAsync(Ct));

        // The debtor's words and numbers are nowhere in the database file any more.
        var file = await File.ReadAllTextAsync(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(_db.ConnectionString).DataSource, Ct);
        Assert.DoesNotContain("Weiß", file, StringComparison.Ordinal);
        Assert.DoesNotContain(PrivacyData.Mobile, file, StringComparison.Ordinal);
        Assert.DoesNotContain("DE89370400440532013000", file, StringComparison.Ordinal);

        var entry = Assert.Single(await db.AuditEntries.ToListAsync(Ct));
        Assert.Equal(("change", $"debtor:{seeded.Debtor.Value}", "cli:test"), (entry.Action, entry.Subject, entry.Actor));
        Assert.True((await AuditTrail.VerifyAsync(db, Ct)).Intact);
    }

    [Fact]
    public async Task Erasing_again_changes_nothing_and_writes_no_second_audit_entry()
    {
        var seeded = await PrivacyData.SeedAsync(_db);
        Assert.Equal("erased", (await EraseAsync(seeded.Debtor))!.Outcome);

        var again = await EraseAsync(seeded.Debtor);

        Assert.Equal("nothing-left", again!.Outcome);
        Assert.All(again.Anonymised.Values, n => Assert.Equal(0, n));
        Assert.Equal(0, again.Suppressed);
        await using var db = DatabaseSetup.CreateContext(_db);
        Assert.Equal(1, await db.AuditEntries.CountAsync(Ct));
        Assert.Equal(3, await db.Suppressions.CountAsync(Ct));
    }

    [Fact]
    public async Task A_number_the_erased_debtor_opted_out_of_is_still_refused_when_it_turns_up_on_another_debtor()
    {
        var seeded = await PrivacyData.SeedAsync(_db, "OLD-1");
        Assert.Equal("erased", (await EraseAsync(seeded.Debtor))!.Outcome);
        // The creditor places a new claim for the same person, with the same numbers, as a new debtor.
        var fresh = await PrivacyData.SeedAsync(_db, "NEW-2");
        await using (var db = DatabaseSetup.CreateContext(_db))
        {
            await db.OptOuts.Where(o => o.DebtorId == fresh.Debtor).ExecuteDeleteAsync(Ct);
            await db.Suppressions.Select(s => s.Hash).ForEachAsync(h => Assert.DoesNotContain(PrivacyData.Mobile, h, StringComparison.Ordinal), Ct);
        }

        var engine = ComplianceSetup.CreateEngine(new ComplianceOptions());
        var at = Instant.FromUtc(2026, 12, 7, 10, 0);
        await using var read = DatabaseSetup.CreateContext(_db);
        var subject = (await ComplianceSnapshotLoader.LoadAsync(read, fresh.Account, at, Ct))!;

        // SMS to the mobile: opted out by text; calls to both numbers: opted out of calls by letter.
        foreach (var (channel, number) in new[] { (ContactChannel.Sms, PrivacyData.Mobile), (ContactChannel.Call, PrivacyData.Mobile), (ContactChannel.Call, PrivacyData.Landline) })
        {
            var decision = engine.Evaluate(subject, new ContactTarget(channel, number), CampaignContext.Manual, at);
            Assert.False(decision.Allowed, $"{channel} to {number}");
            Assert.Contains(decision.Rules, r => r.Verdict == RuleVerdict.Refused && r.Reason.Contains(SuppressionList.SourcePrefix, StringComparison.Ordinal));
        }

        // E-mail was never opted out of.
        Assert.DoesNotContain(engine.Evaluate(subject, new ContactTarget(ContactChannel.Email, PrivacyData.Email), CampaignContext.Manual, at).Rules,
            r => r.Verdict == RuleVerdict.Refused && r.Reason.Contains(SuppressionList.SourcePrefix, StringComparison.Ordinal));
    }
}
