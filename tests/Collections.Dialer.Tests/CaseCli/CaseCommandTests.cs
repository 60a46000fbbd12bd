using System.Text.Json;
using Collections.Dialer.CaseCli;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Dialer.Tests.CaseCli;

/// <summary>The <c>case</c> and <c>activity</c> verbs on a SQLite file: a German consumer's case with a three-instalment plan
/// (first instalment reminded, the reminder call unanswered, then paid), calls and messages in the ledger, and a reference
/// that two creditors use.</summary>
public sealed class CaseCommandTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DatabaseOptions _db = TestDatabases.NewSqlite();
    private IConfiguration _configuration = null!;
    private AccountId _account;

    public async ValueTask InitializeAsync()
    {
        await _db.MigrateAsync();
        _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collections:Database:Provider"] = "Sqlite",
            ["Collections:Database:ConnectionString"] = _db.ConnectionString,
            ["Interest:RulesDirectory"] = RepositoryRoot.Combine("config", "interest"),
        }).Build();

        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var account = await WorkflowData.SeedAccountAsync(_db, new LocalDate(2025, 2, 14), 600m, "TEL-1001");
        _account = account.Id;
        var driver = new WorkDriver(_db, clock);
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id, Ct))).Work);
        driver.Schedule((await driver.WithAsync(s => s.Instalments.CreateAsync(account.Id, new InstalmentRequest(600m, 3, InstalmentFrequency.Monthly, new LocalDate(2025, 4, 1)), ct: Ct))).Work);
        // Reminder for 1 April: 29 March 10:00 Berlin (09:00 UTC).
        await driver.RunUntilAsync(Instant.FromUtc(2025, 3, 29, 12, 0));
        await using (var db = DatabaseSetup.CreateContext(_db))
        {
            var reminder = await db.ScheduledContacts.SingleAsync(c => c.IdempotencyKey.EndsWith(":call") && c.IdempotencyKey.StartsWith("instalment-reminder:"), Ct);
            var debtor = await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.DebtorId).SingleAsync(Ct);
            var call = Attempt(account.Id, debtor, ContactChannel.Call, Instant.FromUtc(2025, 3, 29, 9, 1), ContactOutcome.NoAnswer, ContactPurpose.PreInstalment, reminder.Id);
            reminder.ContactAttemptId = call.Id;
            reminder.Attempts = 1;
            db.ContactAttempts.AddRange(
                call,
                Attempt(account.Id, debtor, ContactChannel.Sms, Instant.FromUtc(2025, 3, 29, 9, 2), ContactOutcome.Delivered, ContactPurpose.PreInstalment, null),
                Attempt(account.Id, debtor, ContactChannel.Call, Instant.FromUtc(2025, 2, 20, 10, 0), ContactOutcome.Answered, ContactPurpose.FirstContact, null),
                Attempt(account.Id, debtor, ContactChannel.Letter, Instant.FromUtc(2025, 4, 10, 8, 0), ContactOutcome.Sent, null, null));

            // The same reference at a second creditor.
            var other = new Creditor { Code = "UTIL-DE", Name = "Stadtwerke", Country = "DE" };
            var portfolio = new Portfolio { CreditorId = other.Id, Name = "dup" };
            db.AddRange(other, portfolio, new Account { CreditorId = other.Id, PortfolioId = portfolio.Id, DebtorId = debtor, CreditorReference = "DUP-1", Currency = "EUR", Principal = 10m });
            var first = await db.Creditors.FirstAsync(c => c.Code == "TELCO-DE", Ct);
            var firstPortfolio = await db.Portfolios.FirstAsync(p => p.CreditorId == first.Id, Ct);
            db.Add(new Account { CreditorId = first.Id, PortfolioId = firstPortfolio.Id, DebtorId = debtor, CreditorReference = "DUP-1", Currency = "EUR", Principal = 20m });
            await db.SaveChangesAsync(Ct);
        }

        await driver.RunUntilAsync(Instant.FromUtc(2025, 3, 31, 12, 0));
        await driver.WithAsync(s => s.Payments.ImportAsync(new StringReader("received_on,amount,currency,reference\n2025-03-31,200.00,EUR,TEL-1001\n"), "p.csv", "csv", _ => { }, Ct));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static ContactAttempt Attempt(AccountId account, DebtorId debtor, ContactChannel channel, Instant at, ContactOutcome outcome, ContactPurpose? purpose, Guid? queued) => new()
    {
        AccountId = account, DebtorId = debtor, Channel = channel, Address = channel == ContactChannel.Letter ? "Hauptstr. 1, 10115 Berlin" : "+4915112345678",
        StartedAt = at, EndedAt = at + Duration.FromSeconds(30), Outcome = outcome, Purpose = purpose, ScheduledContactId = queued,
    };

    private async Task<(int Exit, string Stdout, string Stderr)> CaseAsync(string reference, string? creditor = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CaseCommand.RunAsync(reference, creditor, _configuration, new FakeTimeProvider(new DateTimeOffset(2025, 4, 15, 12, 0, 0, TimeSpan.Zero)), stdout, stderr, Ct);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private async Task<(int Exit, string Stdout, string Stderr)> ActivityAsync(string since, string? until)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await ActivityCommand.RunAsync(since, until, _configuration, new FakeTimeProvider(new DateTimeOffset(2025, 4, 15, 12, 0, 0, TimeSpan.Zero)), stdout, stderr, Ct);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Case_prints_one_object_with_phase_strategy_steps_plan_and_balance()
    {
        var (exit, stdout, stderr) = await CaseAsync("TEL-1001");

        Assert.True(exit == 0, stderr);
        var json = JsonDocument.Parse(Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Equal("TEL-1001", json.GetProperty("accountRef").GetString());
        Assert.Equal("payment-arrangement", json.GetProperty("phase").GetString());
        Assert.Equal("consumer-standard", json.GetProperty("strategy").GetString());
        var steps = json.GetProperty("steps").EnumerateArray().ToList();
        Assert.All(steps, s => Assert.False(string.IsNullOrEmpty(s.GetProperty("kind").GetString())));
        // Placed after its due date: the steps that were due before are skipped with the reason; the rest wait for the plan.
        Assert.Contains(steps, s => s.GetProperty("outcome").GetString()!.StartsWith("skipped: ", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.GetProperty("outcome").GetString() == "planned" && s.GetProperty("doneAt").ValueKind == JsonValueKind.Null);
        Assert.Contains(steps, s => s.GetProperty("kind").GetString() == "written-reminder" && s.GetProperty("channel").GetString() == "letter");

        var instalments = Assert.Single(json.GetProperty("plans").EnumerateArray().ToList()).GetProperty("instalments").EnumerateArray().ToList();
        Assert.Equal(3, instalments.Count);
        var first = instalments[0];
        Assert.Equal(("2025-04-01", 200m, "paid"), (first.GetProperty("due").GetString(), first.GetProperty("amount").GetDecimal(), first.GetProperty("status").GetString()));
        Assert.Equal("2025-03-31", first.GetProperty("paidAt").GetString());
        Assert.Equal("2025-03-29T09:00:00Z", first.GetProperty("reminderAt").GetString());
        Assert.Equal("no-answer", first.GetProperty("reminderOutcome").GetString());
        // The second instalment's reminder is not queued yet: when it will be (28 April 10:00 Berlin, summer time), no outcome.
        Assert.Equal(("2025-04-28T08:00:00Z", JsonValueKind.Null), (instalments[1].GetProperty("reminderAt").GetString(), instalments[1].GetProperty("reminderOutcome").ValueKind));
        Assert.Equal(JsonValueKind.Null, instalments[1].GetProperty("paidAt").ValueKind);

        var balance = json.GetProperty("balance");
        Assert.Equal((600m, 0m, 0m, 200m, "EUR"), (balance.GetProperty("principal").GetDecimal(), balance.GetProperty("interest").GetDecimal(),
            balance.GetProperty("fees").GetDecimal(), balance.GetProperty("paid").GetDecimal(), balance.GetProperty("currency").GetString()));
        // The plan is kept: statutory interest is paused, and the verb says so.
        Assert.Contains("instalment plan", balance.GetProperty("interestNote").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, json.GetProperty("riskFlags").ValueKind);
        Assert.Equal(JsonValueKind.Array, json.GetProperty("promises").ValueKind);
    }

    [Fact]
    public async Task Case_refuses_an_ambiguous_or_unknown_reference_with_exit_2()
    {
        var ambiguous = await CaseAsync("DUP-1");
        Assert.Equal((2, string.Empty), (ambiguous.Exit, ambiguous.Stdout));
        Assert.Contains("--creditor", ambiguous.Stderr, StringComparison.Ordinal);

        var chosen = await CaseAsync("DUP-1", "UTIL-DE");
        Assert.Equal(0, chosen.Exit);
        Assert.Equal("UTIL-DE", JsonDocument.Parse(chosen.Stdout).RootElement.GetProperty("creditor").GetString());

        var unknown = await CaseAsync("NO-SUCH-REF");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("unknown account 'NO-SUCH-REF'", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Case_finds_an_account_by_its_id_as_by_its_reference()
    {
        var byId = await CaseAsync(_account.ToString());
        var byReference = await CaseAsync("TEL-1001");

        Assert.True(byId.Exit == 0, byId.Stderr);
        Assert.Equal(byReference.Stdout, byId.Stdout);
    }

    [Fact]
    public async Task Activity_lists_every_inbound_call_with_purpose_inbound_and_the_matched_account_if_any()
    {
        // Issue 17: a call from the debtor's number (matched: a ledger row on the account) and one from a number no debtor has
        // (no ledger row: only its inbound_calls row), both on 30 March.
        await using (var db = DatabaseSetup.CreateContext(_db))
        {
            var debtor = await db.Accounts.Where(a => a.Id == _account).Select(a => a.DebtorId).SingleAsync(Ct);
            var matched = Attempt(_account, debtor, ContactChannel.Call, Instant.FromUtc(2025, 3, 30, 9, 0), ContactOutcome.Answered, ContactPurpose.Inbound, null);
            db.ContactAttempts.Add(matched);
            db.InboundCalls.AddRange(
                new Collections.Shared.Queues.InboundCall
                {
                    Id = matched.Id, From = "+4915112345678", Did = "+442079460000", SipCallId = "a", ReceivedAt = matched.StartedAt,
                    DebtorId = debtor, AccountId = _account, Language = "de", Outcome = Collections.Shared.Queues.InboundCallOutcome.Answered,
                },
                new Collections.Shared.Queues.InboundCall
                {
                    From = "+447700900123", Did = "+442079460000", SipCallId = "b", ReceivedAt = Instant.FromUtc(2025, 3, 30, 10, 0), Language = "en",
                    Outcome = Collections.Shared.Queues.InboundCallOutcome.Voicemail,
                });
            await db.SaveChangesAsync(Ct);
        }

        var (exit, stdout, stderr) = await ActivityAsync("2025-03-30T00:00:00Z", "2025-03-31T00:00:00Z");

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal("inbound", l.GetProperty("purpose").GetString()));
        Assert.Equal("TEL-1001", lines[0].GetProperty("accountRef").GetString());
        Assert.Equal("answered", lines[0].GetProperty("outcome").GetString());
        Assert.True(!lines[1].TryGetProperty("accountRef", out var none) || none.ValueKind == JsonValueKind.Null, lines[1].ToString());
        Assert.Equal("no-answer", lines[1].GetProperty("outcome").GetString());
        Assert.Equal("2025-03-30T10:00:00Z", lines[1].GetProperty("at").GetString());
    }

    [Fact]
    public async Task Activity_prints_one_line_per_contact_in_time_order_within_the_range()
    {
        var (exit, stdout, stderr) = await ActivityAsync("2025-03-01T00:00:00Z", "2025-04-10T08:00:00Z");

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // The first-contact call of 20 February is before --since, the letter of 10 April 08:00 is at --until (excluded).
        Assert.Equal(2, lines.Count);
        Assert.Equal(("2025-03-29T09:01:00Z", "TEL-1001", "call", "pre-instalment", "no-answer"),
            (lines[0].GetProperty("at").GetString(), lines[0].GetProperty("accountRef").GetString(), lines[0].GetProperty("channel").GetString(),
             lines[0].GetProperty("purpose").GetString(), lines[0].GetProperty("outcome").GetString()));
        Assert.Equal(("sms", "delivered"), (lines[1].GetProperty("channel").GetString(), lines[1].GetProperty("outcome").GetString()));

        // Without --until: up to now (15 April), the letter too, whose row has no purpose.
        var all = (await ActivityAsync("2025-01-01T00:00:00+01:00", null)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["call", "call", "sms", "letter"], all.Select(l => l.GetProperty("channel").GetString()));
        Assert.Equal(JsonValueKind.Null, all[^1].GetProperty("purpose").ValueKind);
        Assert.Equal("first-contact", all[0].GetProperty("purpose").GetString());
    }

    [Theory]
    [InlineData("yesterday", null, "--since: 'yesterday' is not an ISO 8601 instant")]
    [InlineData("2025-03-01T00:00:00Z", "2025-13-01", "--until: '2025-13-01' is not an ISO 8601 instant")]
    [InlineData("2025-03-02T00:00:00Z", "2025-03-01T00:00:00Z", "--until: 2025-03-01T00:00:00Z is before --since 2025-03-02T00:00:00Z")]
    public async Task Activity_refuses_bad_instants_with_exit_2_naming_the_option(string since, string? until, string error)
    {
        var (exit, stdout, stderr) = await ActivityAsync(since, until);

        Assert.Equal((2, string.Empty), (exit, stdout));
        Assert.Contains(error, stderr, StringComparison.Ordinal);
    }

    // GDPR Art. 15: everything held about the debtor of TEL-1001, from any of their accounts' references.
    [Fact]
    public async Task Privacy_export_holds_every_account_contact_plan_and_payment_of_the_debtor()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Collections.Dialer.PrivacyCli.PrivacyCommand.RunAsync("TEL-1001", null, null, _configuration, new FakeTimeProvider(new DateTimeOffset(2025, 4, 15, 12, 0, 0, TimeSpan.Zero)), stdout, stderr, Ct);
        Assert.True(exit == 0, stderr.ToString());
        using var json = JsonDocument.Parse(stdout.ToString());
        var root = json.RootElement;
        Assert.Equal("2025-04-15T12:00:00Z", root.GetProperty("exportedAt").GetString());
        var accounts = root.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Equal(["DUP-1", "DUP-1", "TEL-1001"], accounts.Select(a => a.GetProperty("reference").GetString()!).Order(StringComparer.Ordinal));
        var telecom = accounts.Single(a => a.GetProperty("reference").GetString() == "TEL-1001");
        Assert.Equal(4, telecom.GetProperty("contacts").GetArrayLength());
        Assert.Equal(3, telecom.GetProperty("plans")[0].GetProperty("instalments").GetArrayLength());
        Assert.Equal(200m, telecom.GetProperty("payments")[0].GetProperty("amount").GetDecimal());
        Assert.Equal("2025-03-31", telecom.GetProperty("payments")[0].GetProperty("receivedOn").GetString());

        using var missing = new StringWriter();
        Assert.Equal(2, await Collections.Dialer.PrivacyCli.PrivacyCommand.RunAsync("NOBODY-1", null, null, _configuration, TimeProvider.System, new StringWriter(), missing, Ct));
        Assert.Contains("'NOBODY-1'", missing.ToString(), StringComparison.Ordinal);
    }
}
