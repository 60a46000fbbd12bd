using System.Text.Json;
using Collections.Dialer.ComplianceCli;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Dialer.Tests.ComplianceCli;

/// <summary><c>explain</c> says when the creditor's mandate held a strategy step back, and why (issue 20).</summary>
public sealed class MandateExplainTests
{
    [Fact]
    public async Task Explain_names_the_sms_the_mandate_holds_back_until_the_first_letter()
    {
        var database = await TestDatabases.NewSqlite().MigrateAsync();
        var account = await WorkflowData.SeedAccountAsync(database, new LocalDate(2025, 3, 14), policy: p => p.NoSmsBeforeFirstLetter = true);
        var strategy = StrategyLoader.Parse("""
            id: sms-first
            steps:
              - { id: sms-nudge, phase: phone-and-messages, channel: sms, campaign: reminder-messages, template: payment-reminder-sms, anchor: due-date, days: 1, time: "11:00" }
              - { id: written-reminder, phase: written-reminder, channel: letter, campaign: letters, template: first-reminder, anchor: due-date, days: 3, time: "08:00" }
            """, "sms-first.yaml");
        var driver = new WorkDriver(database, new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero)), strategies: new StrategyCatalog([strategy]));
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id))).Work);
        await driver.RunUntilAsync(Instant.FromUtc(2025, 3, 16, 0, 0));

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collections:Database:Provider"] = "Sqlite",
            ["Collections:Database:ConnectionString"] = database.ConnectionString,
        }).Build();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await ExplainCommand.RunAsync(new ExplainCommand.Arguments("TEL-1001", "2025-03-16T10:00:00Z", null, false), configuration, TimeProvider.System, stdout, stderr, TestContext.Current.CancellationToken);

        Assert.True(exit == 0, stderr.ToString());
        var mandate = JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("mandate");
        Assert.True(mandate.GetProperty("noSmsBeforeFirstLetter").GetBoolean());
        Assert.Equal("written-reminder", mandate.GetProperty("nextStep").GetString());
        var held = Assert.Single(mandate.GetProperty("held").EnumerateArray());
        Assert.Equal(("sms-nudge", "sms", "planned", "2025-03-17T07:01:00Z"),
            (held.GetProperty("step").GetString(), held.GetProperty("channel").GetString(), held.GetProperty("status").GetString(), held.GetProperty("dueAt").GetString()));
        Assert.Equal("held back by the mandate: no SMS before the first letter (written-reminder is due 2025-03-17T07:00:00Z)", held.GetProperty("reason").GetString());
    }
}
