using System.Text.Json;
using Collections.Dialer.ComplianceCli;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using NodaTime;

namespace Collections.Dialer.Tests.ComplianceCli;

/// <summary>The <c>explain</c> verb against a migrated SQLite file: one JSON object, exit 2 naming an unknown account.</summary>
public sealed class ExplainCommandTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("collections-explain-").FullName;
    private IConfiguration _configuration = null!;

    public async ValueTask InitializeAsync()
    {
        var connection = $"Data Source={Path.Combine(_folder, "collections.db")};Pooling=False";
        _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collections:Database:Provider"] = "Sqlite",
            ["Collections:Database:ConnectionString"] = connection,
        }).Build();

        await using var db = DatabaseSetup.CreateContext(DatabaseSetup.ReadOptions(_configuration));
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        var creditor = new Creditor { Code = "ACME", Name = "Acme Telecom", Country = "US" };
        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "2026-01" };
        var debtor = new Debtor { PreferredLanguage = "en", FirstName = "Jane", LastName = "Doe", TimeZoneId = "America/New_York", Email = "jane@example.org" };
        debtor.Phones.Add(new PhoneNumber { DebtorId = debtor.Id, E164 = "+12125550123", Kind = PhoneKind.Mobile, Region = "US", AutodialConsent = false });
        var account = new Account
        {
            CreditorId = creditor.Id, PortfolioId = portfolio.Id, DebtorId = debtor.Id, CreditorReference = "ACME-1001", Currency = "USD",
            Principal = 120m, DueDate = new LocalDate(2025, 12, 1),
        };
        db.AddRange(creditor, portfolio, debtor, account);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private async Task<(int Exit, string Stdout, string Stderr)> Run(string reference, string? at, string? creditor = null, bool manual = false)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await ExplainCommand.RunAsync(new ExplainCommand.Arguments(reference, at, creditor, manual), _configuration, TimeProvider.System, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Explain_prints_one_json_object_with_every_channel()
    {
        // 2026-03-09T01:00:00Z is 21:00 EDT on 2026-03-08, the day clocks changed: calls refused until 08:00 the next morning.
        var (exit, stdout, stderr) = await Run("ACME-1001", "2026-03-09T01:00:00Z", "ACME");
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var json = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        Assert.Equal("ACME-1001", json.GetProperty("account").GetString());
        Assert.Equal("2026-03-09T01:00:00Z", json.GetProperty("at").GetString());
        Assert.Equal("America/New_York", json.GetProperty("zone").GetString());
        var call = json.GetProperty("call");
        Assert.False(call.GetProperty("allowed").GetBoolean());
        // No autodialer consent on the mobile: a predictive campaign may never call it; the next instant is unknown.
        Assert.Equal(JsonValueKind.Null, call.GetProperty("nextAllowedAt").ValueKind);
        var rules = call.GetProperty("rules").EnumerateArray().ToList();
        Assert.All(rules, r =>
        {
            Assert.False(string.IsNullOrEmpty(r.GetProperty("rule").GetString()));
            Assert.Contains(r.GetProperty("verdict").GetString(), new[] { "allowed", "refused", "not-applicable" });
            Assert.False(string.IsNullOrEmpty(r.GetProperty("reason").GetString()));
            Assert.False(string.IsNullOrEmpty(r.GetProperty("source").GetString()));
        });
        Assert.Contains(rules, r => r.GetProperty("rule").GetString() == "us.reg-f.inconvenient-time" && r.GetProperty("verdict").GetString() == "refused");
        Assert.True(json.TryGetProperty("sms", out _));
        var email = json.GetProperty("email");
        Assert.False(email.GetProperty("allowed").GetBoolean());
        Assert.Equal("2026-03-09T12:00:00Z", email.GetProperty("nextAllowedAt").GetString());
    }

    [Fact]
    public async Task Manual_dialing_lifts_the_consent_rule_and_gives_the_next_morning()
    {
        var (exit, stdout, _) = await Run("ACME-1001", "2026-03-09T01:00:00Z", manual: true);
        Assert.Equal(0, exit);
        var call = JsonDocument.Parse(stdout).RootElement.GetProperty("call");
        Assert.Equal("2026-03-09T12:00:00Z", call.GetProperty("nextAllowedAt").GetString());
    }

    [Fact]
    public async Task Unknown_account_exits_2_naming_it()
    {
        var (exit, stdout, stderr) = await Run("NOPE-42", null);
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("NOPE-42", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_instant_exits_2()
    {
        var (exit, _, stderr) = await Run("ACME-1001", "yesterday");
        Assert.Equal(2, exit);
        Assert.Contains("--at", stderr, StringComparison.Ordinal);
    }
}
