using System.Text.Json;
using Collections.Dialer.PrivacyCli;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Dialer.Tests.PrivacyCli;

/// <summary><c>privacy erase</c> and <c>privacy retention</c> on a SQLite file: exit 3 naming each hold, exit 0 with what was
/// anonymised, the call's recording deleted, exit 2 without a reason.</summary>
public sealed class PrivacyEraseCommandTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DatabaseOptions _db = TestDatabases.NewSqlite();
    private readonly string _recordings = Directory.CreateTempSubdirectory("erase-recordings-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private IConfiguration _configuration = null!;
    private Account _account = null!;

    public async ValueTask InitializeAsync()
    {
        await _db.MigrateAsync();
        _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collections:Database:Provider"] = "Sqlite",
            ["Collections:Database:ConnectionString"] = _db.ConnectionString,
            ["Dialer:Recording:Directory"] = _recordings,
            ["Collections:Outreach:PrintQueueDirectory"] = _recordings,
        }).Build();
        _account = await WorkflowData.SeedAccountAsync(_db, new LocalDate(2025, 2, 14), 600m, "TEL-1001");
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_recordings, recursive: true);
        return ValueTask.CompletedTask;
    }

    private async Task<(int Exit, string Stdout, string Stderr)> EraseAsync(string reason = "request by e-mail, ticket 4711", bool dryRun = false)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await PrivacyCommand.EraseAsync("TEL-1001", null, reason, dryRun, _configuration, _clock, stdout, stderr, Ct);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Privacy_export_answers_a_subject_access_request_with_the_persons_data_and_is_itself_an_audited_read()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await PrivacyCommand.RunAsync("TEL-1001", null, null, _configuration, _clock, stdout, stderr, Ct);

        Assert.True(exit == 0, stderr.ToString());
        Assert.Contains("Max", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("TEL-1001", stdout.ToString(), StringComparison.Ordinal);
        await using var db = DatabaseSetup.CreateContext(_db);
        var entry = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).FirstAsync(Ct);
        Assert.Equal(("read", "privacy export", $"debtor:{_account.DebtorId.Value}"), (entry.Action, entry.Detail, entry.Subject));

        using var unknown = new StringWriter();
        Assert.Equal(2, await PrivacyCommand.RunAsync("NO-SUCH-REF", null, null, _configuration, _clock, new StringWriter(), unknown, Ct));
        Assert.Contains("NO-SUCH-REF", unknown.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_claim_is_refused_with_exit_3_naming_each_hold()
    {
        await using (var db = DatabaseSetup.CreateContext(_db))
        {
            db.Add(new Case { AccountId = _account.Id, Phase = CasePhase.LegalReview, OpenedAt = Instant.FromUtc(2025, 3, 1, 0, 0) });
            await db.SaveChangesAsync(Ct);
        }

        var (exit, stdout, stderr) = await EraseAsync();

        Assert.Equal(PrivacyCommand.Held, exit);
        Assert.Contains("TEL-1001: legal-review", stderr, StringComparison.Ordinal);
        Assert.Contains("TEL-1001: balance-outstanding: 600.00 EUR is outstanding", stderr, StringComparison.Ordinal);
        Assert.Contains("Art. 17(3)(e)", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("held", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("holds").GetArrayLength());
    }

    [Fact]
    public async Task A_paid_and_closed_claim_is_erased_with_its_recording_and_a_reason_is_required()
    {
        ContactAttemptId call;
        await using (var db = DatabaseSetup.CreateContext(_db))
        {
            var account = await db.Accounts.SingleAsync(a => a.Id == _account.Id, Ct);
            account.Paid = account.Principal;
            db.Add(new Case { AccountId = account.Id, Phase = CasePhase.Closed, ClosedAt = Instant.FromUtc(2025, 6, 1, 0, 0) });
            var attempt = new ContactAttempt { AccountId = account.Id, DebtorId = account.DebtorId, Channel = ContactChannel.Call, Address = "+4915112345678", Outcome = ContactOutcome.Answered };
            db.Add(attempt);
            call = attempt.Id;
            await db.SaveChangesAsync(Ct);
        }

        var recording = Path.Combine(_recordings, $"{call.Value:D}.wav");
        await File.WriteAllBytesAsync(recording, [1, 2, 3], Ct);
        Assert.Equal(2, (await EraseAsync(reason: "  ")).Exit);

        var dry = await EraseAsync(dryRun: true);
        Assert.Equal(0, dry.Exit);
        Assert.Contains("\"outcome\":\"would-erase\"", dry.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(recording));

        var (exit, stdout, _) = await EraseAsync();

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("erased", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("files").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("anonymised").GetProperty("phone_numbers").GetInt32());
        Assert.False(File.Exists(recording));
        await using var after = DatabaseSetup.CreateContext(_db);
        Assert.Null((await after.Debtors.SingleAsync(Ct)).LastName);
        var entry = await after.AuditEntries.SingleAsync(Ct);
        Assert.Equal("privacy erase: request by e-mail, ticket 4711", entry.Detail);
    }

    [Fact]
    public async Task Retention_reports_counts_as_one_json_line()
    {
        using var stdout = new StringWriter();
        Assert.Equal(0, await PrivacyCommand.RetentionAsync(dryRun: true, _configuration, _clock, stdout, new StringWriter(), Ct));
        using var json = JsonDocument.Parse(stdout.ToString());
        Assert.True(json.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("erased").GetInt32());

        var bad = new ConfigurationBuilder().AddConfiguration(_configuration)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Collections:Privacy:RetentionAfterClosed"] = "00:10:00" }).Build();
        using var stderr = new StringWriter();
        Assert.Equal(2, await PrivacyCommand.RetentionAsync(dryRun: true, bad, _clock, new StringWriter(), stderr, Ct));
        Assert.Contains("Collections:Privacy:RetentionAfterClosed", stderr.ToString(), StringComparison.Ordinal);
    }
}
