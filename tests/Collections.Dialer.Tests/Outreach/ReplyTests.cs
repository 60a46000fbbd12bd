using Collections.Dialer.DemoCarrier.Messaging;
using Collections.Dialer.Messaging.Email;
using Collections.Dialer.Messaging.Inbound;
using Collections.Dialer.Outreach;
using Collections.Dialer.Scheduling;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using NodaTime;
using Quartz;

namespace Collections.Dialer.Tests.Outreach;

/// <summary>Debtors' replies ("PAID") and the demo SMTP sink.</summary>
public sealed class ReplyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("PAID", true)]
    [InlineData("paid yesterday", true)]
    [InlineData("I have paid!", true)]
    [InlineData("Bezahlt", true)]
    [InlineData("ich habe bezahlt", true)]
    [InlineData("Fizettem", true)]
    [InlineData("samaksaju", true)]
    [InlineData("Plačano.", true)]
    [InlineData("paguar", true)]
    [InlineData("I have not paid", false)]
    [InlineData("when is it due?", false)]
    [InlineData("STOP", false)]
    [InlineData("...", false)]
    public void A_reply_reports_a_payment_when_it_is_or_begins_with_a_payment_keyword(string body, bool expected) =>
        Assert.Equal(expected, PaymentReplyKeywords.ReportsPayment(body));

    [Fact]
    public async Task A_PAID_reply_waits_for_an_operator_and_holds_the_cases_next_step_for_the_configured_days()
    {
        var database = await TestDatabases.NewSqlite().MigrateAsync();
        var folder = Directory.CreateTempSubdirectory("outreach-host-").FullName;
        // Wednesday 12 March 2025; the claim falls due on Friday 14 March, so the strategy's first steps are days away.
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 12, 9, 0, 0, TimeSpan.Zero));
        var account = await WorkflowData.SeedAccountAsync(database, new LocalDate(2025, 3, 14), createdAt: Instant.FromUtc(2025, 3, 1, 0, 0));
        // The main job's composition without a web server: database, workflow, Quartz, outreach (no ASP.NET in the Dialer).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = RepositoryRoot.Path, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"] = database.Provider.ToString(),
            [$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ConnectionString)}"] = database.ConnectionString,
            ["Collections:Scheduling:ResyncOnStart"] = "false",
            ["Collections:Outreach:PrintQueueDirectory"] = Path.Combine(folder, "print-queue"),
            ["Collections:Outreach:DemoMessaging:Directory"] = Path.Combine(folder, "demo"),
            ["Collections:Outreach:ReportedPaymentHoldDays"] = "5",
        });
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddCollectionsDatabase();
        builder.AddCaseWorkflow();
        // The shipped strategies without their challengers: a case drawn into a challenger arm would walk other steps.
        builder.Services.AddSingleton(Collections.Testing.Workflow.ShippedStrategies.Champions());
        builder.AddWorkflowScheduling();
        builder.AddOutreach();
        using var host = builder.Build();
        await host.StartAsync(Ct);
        await using (var db = DatabaseSetup.CreateContext(database))
        {
            await host.Services.GetRequiredService<WorkflowRunner>().For(db).Cases.OpenAsync(account.Id, Ct);
            var before = await db.Cases.SingleAsync(Ct);
            Assert.True(before.NextStepDueAt < Instant.FromUtc(2025, 3, 17, 9, 0), $"the next step is due {before.NextStepDueAt}");
        }

        var result = await host.Services.GetRequiredService<InboundMessageService>().ReceiveAsync("SM-paid-1", "+4915112345678", "+4930555000", "Bezahlt, gestern überwiesen", Ct);

        Assert.Equal(InboundMessageKind.ReportsPayment, result.Kind);
        var until = Instant.FromUtc(2025, 3, 17, 9, 0);
        await using var check = DatabaseSetup.CreateContext(database);
        var reply = await check.InboundMessages.SingleAsync(Ct);
        Assert.Null(reply.HandledAt); // an operator checks the bank statement
        var @case = await check.Cases.SingleAsync(Ct);
        Assert.Equal(until, @case.NextStepDueAt);
        var step = await check.CaseSteps.SingleAsync(s => s.StepKey == @case.NextStep, Ct);
        Assert.Equal(until, step.DueAt);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
        Assert.True(await scheduler.Exists(new JobKey(WorkItem.ForStep(@case.Id, step.StepKey, until).Name, WorkScheduler.Group), Ct));
        await host.StopAsync(Ct);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task The_demo_SMTP_sink_receives_what_the_real_SMTP_client_sends_and_keeps_it_as_an_eml_file()
    {
        var folder = Directory.CreateTempSubdirectory("demo-mail-").FullName;
        await using var sink = new DemoSmtpSink(folder, NullLogger<DemoSmtpSink>.Instance);
        await sink.StartAsync(Ct);
        var options = new SmtpOptions { FromAddress = "service@collections.example" };
        sink.Configure(options);
        var sender = new SmtpEmailSender(Options.Create(options), NullLogger<SmtpEmailSender>.Instance);
        var mail = sender.Compose("Anna Kovács", "anna@example.org", "Fizetési emlékeztető", "Kedves Anna,\n.\n..pont\nüdvözlettel", [new EmailAttachment("a.pdf", "application/pdf", [1, 2, 3])], "hu");

        var id = await sender.SendAsync(mail, Ct);

        Assert.Equal(1, sink.Received);
        var stored = await MimeMessage.LoadAsync(Assert.Single(Directory.GetFiles(folder, "*.eml")), Ct);
        Assert.Equal(id, stored.MessageId);
        Assert.Equal("Fizetési emlékeztető", stored.Subject);
        Assert.Equal("Kedves Anna,\n.\n..pont\nüdvözlettel", stored.TextBody!.ReplaceLineEndings("\n").TrimEnd('\n'));
        Assert.Equal([1, 2, 3], ((MimePart)stored.Attachments.Single()).Content!.Open().ReadAllBytes());
        Directory.Delete(folder, recursive: true);
    }
}

internal static class StreamBytes
{
    public static byte[] ReadAllBytes(this Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
