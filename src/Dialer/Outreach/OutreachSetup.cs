using Collections.Dialer.DemoCarrier.Messaging;
using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Email;
using Collections.Dialer.Messaging.Inbound;
using Collections.Dialer.Messaging.Letters;
using Collections.Dialer.Messaging.Templates;
using Collections.Dialer.Messaging.Twilio;
using Collections.Dialer.Outreach.Dispatch;
using Collections.Dialer.Outreach.Letters;
using Collections.Dialer.Outreach.Replies;
using Collections.Shared.Compliance;
using Collections.Shared.Interest;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.DueContacts;
using Collections.Shared.Workflow.Strategies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Outreach;

/// <summary>Registers the outreach of the main job: the dispatcher of due SMS, WhatsApp, e-mail and letters, the print queue,
/// the handling of "PAID" replies, and the demo messaging provider and SMTP sink when no Twilio account or SMTP server is
/// configured.</summary>
public static class OutreachSetup
{
    /// <summary>
    /// Adds outreach to a host: messaging (<c>AddMessaging</c>), <see cref="OutreachOptions"/> (validated at start, the print
    /// queue folder created), the <see cref="MessageDispatcher"/> and its hosted loop, and the built-in demo providers in
    /// place of missing credentials. Needs <c>AddCollectionsDatabase</c>; a "PAID" reply holds the case when the host also
    /// runs <c>AddCaseWorkflow</c> and <c>AddWorkflowScheduling</c>, and strategies are checked against the templates at start.
    /// </summary>
    public static IHostApplicationBuilder AddOutreach(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(s => s.ServiceType == typeof(MessageDispatcher)))
        {
            return builder;
        }

        builder.AddDemoMessaging();
        builder.AddMessaging();
        builder.Services.AddOptions<OutreachOptions>()
            .BindConfiguration(OutreachOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OutreachOptions>>(new OutreachOptionsValidator(builder.Configuration));
        var configuration = builder.Configuration;
        builder.Services.TryAddSingleton(sp => new DueContactQueue(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DueContactQueue>>()));
        builder.Services.AddSingleton(sp => new PrintQueue(PrintQueue.DirectoryFor(sp.GetRequiredService<IOptions<OutreachOptions>>().Value, configuration)));
        builder.Services.AddSingleton<LetterRenderer>();
        builder.Services.AddSingleton(sp => new LetterComposer(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetService<StatutoryInterestCalculator>(),
            sp.GetRequiredService<IOptions<MessagingOptions>>().Value.Agency));
        builder.Services.AddSingleton(sp => new PrintedLetterSender(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<ContactLedger>(),
            sp.GetRequiredService<LetterComposer>(),
            sp.GetRequiredService<LetterRenderer>(),
            sp.GetRequiredService<PrintQueue>(),
            sp.GetRequiredService<MessageTemplates>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PrintedLetterSender>>()));
        builder.Services.AddSingleton<MessageDispatcher>();
        builder.Services.AddSingleton<IReportedPaymentHandler>(sp => new ReportedPaymentHold(
            sp,
            sp.GetRequiredService<ICollectionsDbContextFactory>(),
            sp.GetRequiredService<IOptions<OutreachOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ReportedPaymentHold>>()));
        builder.Services.AddHostedService(sp => new TemplateCoverageCheck(sp.GetService<StrategyCatalog>, sp.GetRequiredService<MessageTemplates>()));
        builder.Services.AddHostedService<DispatchService>();
        builder.Services.AddHostedService(sp => new MessageReconciliationService(
            sp.GetRequiredService<OutboundMessageSender>(),
            sp.GetRequiredService<IOptions<TwilioOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<MessageReconciliationService>>(),
            sends: sp.GetRequiredService<IOptions<OutreachOptions>>().Value.Dispatch.Enabled));
        return builder;
    }

    /// <summary>The demo providers, each only where its credentials are missing: the Twilio API when
    /// <c>Collections:Messaging:Twilio:Enabled</c> is not true, the SMTP sink when <c>Collections:Messaging:Smtp:Host</c> is
    /// not set (DESIGN.md 6: the demo needs no configuration; real credentials switch the same dispatcher to Twilio and SMTP).</summary>
    private static void AddDemoMessaging(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<DemoMessagingOptions>().BindConfiguration(DemoMessagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var demo = configuration.GetSection(DemoMessagingOptions.Section).Get<DemoMessagingOptions>() ?? new DemoMessagingOptions();
        if (!demo.Enabled)
        {
            return;
        }

        var directory = demo.Directory ?? Path.Combine(DataFolder.Resolve(configuration), "demo-messaging");
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (!configuration.GetValue<bool>($"{TwilioOptions.Section}:{nameof(TwilioOptions.Enabled)}"))
        {
            builder.Services.AddSingleton(sp => new DemoMessagingProvider(
                sp.GetRequiredService<IOptions<DemoMessagingOptions>>().Value,
                directory,
                WebhookBase(configuration, demo),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<DemoMessagingProvider>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoMessagingProvider>());
            builder.Services.AddOptions<TwilioOptions>().PostConfigure<DemoMessagingProvider>((options, provider) => provider.Configure(options));
        }

        if (string.IsNullOrWhiteSpace(configuration[$"{SmtpOptions.Section}:{nameof(SmtpOptions.Host)}"]))
        {
            builder.Services.AddSingleton(sp => new DemoSmtpSink(Path.Combine(directory, "mail"), sp.GetRequiredService<ILogger<DemoSmtpSink>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoSmtpSink>());
            builder.Services.AddOptions<SmtpOptions>().PostConfigure<DemoSmtpSink>((options, sink) => sink.Configure(options));
        }
    }

    /// <summary>The configured webhook base, else the host's first URL (<c>urls</c>, from ASPNETCORE_URLS or --urls), else Kestrel's default.</summary>
    internal static Uri WebhookBase(IConfiguration configuration, DemoMessagingOptions demo)
    {
        var configured = configuration[$"{TwilioOptions.Section}:{nameof(TwilioOptions.WebhookBaseUrl)}"] ?? demo.WebhookBaseUrl;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new Uri(configured.TrimEnd('/') + "/");
        }

        var first = configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? "http://localhost:5000";
        // A wildcard binding ("http://*:5080", "http://+:5080", "http://0.0.0.0:5080") is reached on loopback.
        var url = first.Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
        return new Uri(url.TrimEnd('/') + "/");
    }
}

/// <summary>Stops the host at start when a strategy names a message or letter that does not exist (see <see cref="TemplateCoverage"/>).</summary>
internal sealed class TemplateCoverageCheck(Func<StrategyCatalog?> catalog, MessageTemplates templates) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (catalog() is { } strategies && TemplateCoverage.Check(strategies, templates) is { Count: > 0 } problems)
        {
            throw new InvalidOperationException("Strategies name templates that do not exist: " + string.Join("; ", problems));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
