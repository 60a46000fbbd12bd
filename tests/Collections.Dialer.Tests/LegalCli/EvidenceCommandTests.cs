using System.IO.Compression;
using System.Text.Json;
using Collections.Dialer.LegalCli;
using Collections.Shared.Domain;
using Collections.Shared.Legal;
using Collections.Shared.Persistence;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Dialer.Tests.LegalCli;

/// <summary>The <c>evidence</c> and <c>evidence verify</c> verbs on a database with a letter, a recorded call, a payment and
/// a signed acknowledgement: what the pack holds, and that a one-byte change to any file is named.</summary>
public sealed class EvidenceCommandTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DatabaseOptions _db = TestDatabases.NewSqlite();
    private readonly string _folder = Directory.CreateTempSubdirectory("evidence-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Pack_holds_the_letter_as_stored_the_recording_and_the_signature_and_verify_names_a_changed_byte()
    {
        var configuration = await SeedAsync();
        var zip = Path.Combine(_folder, "pack.zip");

        var stderr = new StringWriter();
        var (exit, stdout, _) = await RunAsync(o => EvidenceCommand.RunAsync("TEL-EV-1", new FileInfo(zip), null, null, configuration,
            new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)), o, stderr, Ct));
        Assert.True(exit == 0, $"exit {exit}: {stdout} {stderr}");
        var printed = JsonDocument.Parse(stdout).RootElement;
        await using (var db = DatabaseSetup.CreateContext(_db))
        {
            // Making the pack is a read of the debtor's data in the audit trail.
            var read = Assert.Single(db.AuditEntries);
            Assert.Equal(("read", "evidence pack", $"cli:{Environment.UserName}"), (read.Action, read.Detail, read.Actor));
            Assert.Equal($"account:{db.Accounts.Single(a => a.CreditorReference == "TEL-EV-1").Id.Value}", read.Subject);
        }

        Assert.Equal("TEL-EV-1", printed.GetProperty("accountRef").GetString());

        using (var archive = ZipFile.OpenRead(zip))
        {
            var names = archive.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Equal(printed.GetProperty("files").GetInt32() + 2, names.Count);
            Assert.Contains("cover.pdf", names);
            Assert.Contains("manifest.json", names);
            // The letter exactly as it was handed to the print queue, the call's recording, the drawn signature.
            Assert.Equal(LetterPdf, Read(archive, "letters/first-reminder.pdf"));
            Assert.Equal(Wav, Read(archive, $"recordings/{CallId:D}.wav"));
            Assert.Equal(Png, Read(archive, $"acknowledgements/{AckId:D}.png"));
            var recordings = JsonDocument.Parse(Read(archive, "recordings/recordings.json")).RootElement;
            Assert.Equal("+4915112345678", recordings[0].GetProperty("number").GetString());
            Assert.Equal(95, recordings[0].GetProperty("durationSeconds").GetInt32());
            // German debtor: the cover is in German (the court's language) and the limitation was restarted by the acknowledgement.
            var cover = Read(archive, "cover.pdf");
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(cover, 0, 4), StringComparison.Ordinal);
            var limitation = JsonDocument.Parse(Read(archive, "limitation.json")).RootElement;
            Assert.Equal("2029-03-02", limitation.GetProperty("lastDay").GetString());
        }

        var verified = await RunAsync(o => Task.FromResult(EvidenceCommand.Verify(new FileInfo(zip), o, new StringWriter())));
        Assert.Equal(0, verified.Exit);
        Assert.Equal(printed.GetProperty("sha256").GetString(), JsonDocument.Parse(verified.Stdout).RootElement.GetProperty("sha256").GetString());

        // One byte of the letter changed inside the ZIP: verify exits 2 and names that file, and only that file.
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Update))
        {
            var bytes = Read(archive, "letters/first-reminder.pdf");
            bytes[bytes.Length / 2] ^= 0x01;
            archive.GetEntry("letters/first-reminder.pdf")!.Delete();
            await using var stream = archive.CreateEntry("letters/first-reminder.pdf").Open();
            await stream.WriteAsync(bytes, Ct);
        }

        var errors = new StringWriter();
        var tampered = await RunAsync(o => Task.FromResult(EvidenceCommand.Verify(new FileInfo(zip), o, errors)));
        Assert.Equal(2, tampered.Exit);
        Assert.Equal("letters/first-reminder.pdf: changed", errors.ToString().Trim());
        var problems = JsonDocument.Parse(tampered.Stdout).RootElement.GetProperty("problems");
        Assert.Equal("letters/first-reminder.pdf", Assert.Single(problems.EnumerateArray()).GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_changed_manifest_is_named()
    {
        var configuration = await SeedAsync();
        var zip = Path.Combine(_folder, "pack.zip");
        var (exit, _, _) = await RunAsync(o => EvidenceCommand.RunAsync("TEL-EV-1", new FileInfo(zip), null, "en", configuration,
            new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)), o, new StringWriter(), Ct));
        Assert.Equal(0, exit);
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Update))
        {
            // Someone swaps the invoices and writes their new hash into the manifest: the files match the manifest, but the
            // manifest no longer matches its own hash.
            var invoices = Read(archive, "invoices.json");
            byte[] forged = [.. invoices, (byte)' '];
            var manifest = System.Text.Encoding.UTF8.GetString(Read(archive, "manifest.json"))
                .Replace(Collections.Dialer.Legal.Evidence.EvidencePack.Hex(invoices), Collections.Dialer.Legal.Evidence.EvidencePack.Hex(forged), StringComparison.Ordinal);
            foreach (var (name, bytes) in new[] { ("invoices.json", forged), ("manifest.json", System.Text.Encoding.UTF8.GetBytes(manifest)) })
            {
                archive.GetEntry(name)!.Delete();
                await using var stream = archive.CreateEntry(name).Open();
                await stream.WriteAsync(bytes, Ct);
            }
        }

        var errors = new StringWriter();
        Assert.Equal(2, EvidenceCommand.Verify(new FileInfo(zip), new StringWriter(), errors));
        Assert.Equal("manifest.json: changed", errors.ToString().Trim());
    }

    [Fact]
    public async Task The_payment_order_data_of_a_German_claim_names_the_parties_each_invoice_interest_and_what_is_missing()
    {
        var configuration = await SeedAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var stderr = new StringWriter();
        var (exit, stdout, _) = await RunAsync(o => EvidenceCommand.PaymentOrderAsync("TEL-EV-1", null, configuration, clock, o, stderr, Ct));
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var order = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(("DE", "gerichtliches Mahnverfahren"), (order.GetProperty("jurisdiction").GetString(), order.GetProperty("procedure").GetString()));
        var parties = order.GetProperty("parties").EnumerateArray().ToList();
        Assert.Equal(["Antragsteller", "Prozessbevollmächtigter (registrierter Inkassodienstleister, § 10 RDG)", "Antragsgegner"], parties.Select(p => p.GetProperty("role").GetString()));
        Assert.Equal("Telco Deutschland", parties[0].GetProperty("name").GetString());
        Assert.Equal("Max Mustermann", parties[2].GetProperty("name").GetString());
        // § 690 (1) no. 3 ZPO: each main claim on its own, with its invoice.
        var main = Assert.Single(order.GetProperty("claims").EnumerateArray(), c => c.GetProperty("kind").GetString() == "Hauptforderung");
        Assert.Equal(("R-2025-001", 600m, "2025-01-15"), (main.GetProperty("reference").GetString(), main.GetProperty("amount").GetDecimal(), main.GetProperty("date").GetString()));
        Assert.Equal((100m, 500m), (order.GetProperty("paymentsReceived").GetDecimal(), order.GetProperty("balance").GetDecimal()));
        Assert.Contains("§ 689 Abs. 2 ZPO", order.GetProperty("competentCourt").GetString(), StringComparison.Ordinal);
        // The record holds no address of the creditor: the lawyer is told, not given a made-up one.
        Assert.Contains(order.GetProperty("missing").EnumerateArray(), m => m.GetString() == "Antragsteller: Anschrift und Rechtsform");

        // The same data is in the evidence pack.
        var zip = Path.Combine(_folder, "pack.zip");
        Assert.Equal(0, await EvidenceCommand.RunAsync("TEL-EV-1", new FileInfo(zip), null, null, configuration, clock, new StringWriter(), new StringWriter(), Ct));
        using var archive = ZipFile.OpenRead(zip);
        Assert.Equal("DE", JsonDocument.Parse(Read(archive, "payment-order.json")).RootElement.GetProperty("jurisdiction").GetString());
    }

    [Fact]
    public async Task Unknown_account_and_bad_language_exit_2_naming_them()
    {
        var configuration = await SeedAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var errors = new StringWriter();
        Assert.Equal(2, await EvidenceCommand.RunAsync("NOPE-1", new FileInfo(Path.Combine(_folder, "x.zip")), null, null, configuration, clock, new StringWriter(), errors, Ct));
        Assert.Contains("NOPE-1", errors.ToString(), StringComparison.Ordinal);
        errors = new StringWriter();
        Assert.Equal(2, await EvidenceCommand.RunAsync("TEL-EV-1", new FileInfo(Path.Combine(_folder, "x.zip")), null, "fr", configuration, clock, new StringWriter(), errors, Ct));
        Assert.Contains("--language: 'fr'", errors.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "x.zip")));
    }

    private static readonly byte[] LetterPdf = [.. "%PDF-1.4 first reminder as printed\n"u8, .. Enumerable.Range(0, 200).Select(i => (byte)i)];
    private static readonly byte[] Wav = [.. "RIFF....WAVEfmt "u8, .. Enumerable.Range(0, 400).Select(i => (byte)(i * 7))];
    [Fact]
    public async Task An_encrypted_recording_goes_into_the_pack_decrypted_and_an_altered_one_is_listed_as_unreadable()
    {
        var seeded = await SeedAsync();
        var keyFile = Path.Combine(_folder, "recording-keys");
        await File.WriteAllTextAsync(keyFile, Collections.Dialer.Recording.RecordingKeyRing.NewKeyLine("k1") + "\n", Ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var configuration = new ConfigurationBuilder().AddConfiguration(seeded).AddInMemoryCollection(new Dictionary<string, string?> { ["Dialer:Recording:KeyFile"] = keyFile }).Build();
        var recording = Path.Combine(seeded["Dialer:Recording:Directory"]!, $"{CallId:D}.wav");
        var ring = new Collections.Dialer.Calls.RecordingOptions { KeyFile = keyFile }.Keys()!;
        Collections.Dialer.Recording.RecordingFiles.Encrypt(recording, ring, rotate: false);
        Assert.NotEqual(Wav, await File.ReadAllBytesAsync(recording, Ct));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));

        var zip = Path.Combine(_folder, "encrypted.zip");
        Assert.Equal(0, (await RunAsync(o => EvidenceCommand.RunAsync("TEL-EV-1", new FileInfo(zip), null, null, configuration, clock, o, new StringWriter(), Ct))).Exit);
        using (var archive = ZipFile.OpenRead(zip))
        {
            Assert.Equal(Wav, Read(archive, $"recordings/{CallId:D}.wav"));
        }

        var bytes = await File.ReadAllBytesAsync(recording, Ct);
        bytes[^1] ^= 0x01;
        await File.WriteAllBytesAsync(recording, bytes, Ct);
        var altered = Path.Combine(_folder, "altered.zip");
        Assert.Equal(0, (await RunAsync(o => EvidenceCommand.RunAsync("TEL-EV-1", new FileInfo(altered), null, null, configuration, clock, o, new StringWriter(), Ct))).Exit);
        using (var archive = ZipFile.OpenRead(altered))
        {
            Assert.Null(archive.GetEntry($"recordings/{CallId:D}.wav"));
            var listed = JsonDocument.Parse(Read(archive, "recordings/recordings.json")).RootElement[0];
            Assert.Contains("fails authentication", listed.GetProperty("unreadable").GetString(), StringComparison.Ordinal);
        }
    }

    private static readonly byte[] Png = [0x89, .. "PNG\r\n"u8, 1, 2, 3, 4];
    private static readonly Guid CallId = Guid.Parse("0193a1b2-0000-7000-8000-000000000001");
    private static readonly Guid AckId = Guid.Parse("0193a1b2-0000-7000-8000-000000000002");

    private async Task<IConfiguration> SeedAsync()
    {
        await _db.MigrateAsync();
        var letters = Directory.CreateDirectory(Path.Combine(_folder, "print-queue")).FullName;
        var recordings = Directory.CreateDirectory(Path.Combine(_folder, "recordings")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(letters, "first-reminder.pdf"), LetterPdf, Ct);
        await File.WriteAllBytesAsync(Path.Combine(recordings, $"{CallId:D}.wav"), Wav, Ct);
        var account = await WorkflowData.SeedAccountAsync(_db, new LocalDate(2025, 2, 14), 600m, "TEL-EV-1");
        await using (var db = DatabaseSetup.CreateContext(_db))
        {
            db.Invoices.Add(new Invoice { AccountId = account.Id, Number = "R-2025-001", IssuedOn = new LocalDate(2025, 1, 15), DueOn = new LocalDate(2025, 2, 14), Amount = 600m });
            var letterAttempt = new ContactAttempt { AccountId = account.Id, DebtorId = account.DebtorId, Channel = ContactChannel.Letter, Address = "Hauptstr. 1, 10115 Berlin", StartedAt = Instant.FromUtc(2025, 3, 1, 8, 0), Outcome = ContactOutcome.Sent };
            db.ContactAttempts.Add(letterAttempt);
            db.OutboundMessages.Add(new OutboundMessage
            {
                IdempotencyKey = "first-reminder:ev", AccountId = account.Id, DebtorId = account.DebtorId, Channel = ContactChannel.Letter, To = "Hauptstr. 1, 10115 Berlin",
                Template = "letter.first-reminder", Language = "de", Body = "(pdf)", State = OutboundMessageState.Sent, ContactAttemptId = letterAttempt.Id,
                CreatedAt = Instant.FromUtc(2025, 3, 1, 8, 0), UpdatedAt = Instant.FromUtc(2025, 3, 1, 8, 1), DocumentPath = "first-reminder.pdf",
            });
            db.ContactAttempts.Add(new ContactAttempt
            {
                Id = new ContactAttemptId(CallId), AccountId = account.Id, DebtorId = account.DebtorId, Channel = ContactChannel.Call, Address = "+4915112345678",
                StartedAt = Instant.FromUtc(2025, 3, 10, 9, 0), EndedAt = Instant.FromUtc(2025, 3, 10, 9, 1, 35), Outcome = ContactOutcome.Answered, RightPartyContact = true,
            });
            db.Payments.Add(new Payment { AccountId = account.Id, Amount = 100m, Currency = "EUR", ReceivedOn = new LocalDate(2025, 4, 1), RecordedAt = Instant.FromUtc(2025, 4, 2, 8, 0), AllocatedPrincipal = 100m, Method = PaymentMethod.BankTransfer });
            // Signed on 2 March 2026: BGB § 212(1) Nr. 1 restarts the three years: last day 2 March 2029.
            db.DebtAcknowledgements.Add(new DebtAcknowledgement
            {
                Id = AckId, AccountId = account.Id, SignedOn = new LocalDate(2026, 3, 2), RecordedAt = Instant.FromUtc(2026, 3, 2, 15, 0), Channel = ContactChannel.Visit,
                Text = "Ich erkenne die Forderung von 500,00 EUR an.", Amount = 500m, SignedBy = "Max Mustermann", RecordedBy = "field-1", SignaturePng = Png,
            });
            var entity = await db.Accounts.FindAsync([account.Id], Ct);
            entity!.Paid = 100m;
            await db.SaveChangesAsync(Ct);
        }

        return new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collections:Database:Provider"] = "Sqlite",
            ["Collections:Database:ConnectionString"] = _db.ConnectionString,
            ["Interest:RulesDirectory"] = RepositoryRoot.Combine("config", "interest"),
            ["Collections:Outreach:PrintQueueDirectory"] = letters,
            ["Dialer:Recording:Directory"] = recordings,
        }).Build();
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(Func<TextWriter, Task<int>> run)
    {
        var stdout = new StringWriter();
        var exit = await run(stdout);
        return (exit, stdout.ToString(), string.Empty);
    }

    private static byte[] Read(ZipArchive archive, string name)
    {
        using var stream = archive.GetEntry(name)?.Open() ?? throw new Xunit.Sdk.XunitException($"{name} is not in the pack; it holds {string.Join(", ", archive.Entries.Select(e => e.FullName))}");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
