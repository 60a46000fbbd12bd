using System.ComponentModel.DataAnnotations;
using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Email;
using Collections.Dialer.Scheduling;
using Collections.Shared.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Collections.Dialer.Outreach.Reports;

/// <summary>The scheduled creditor reports, bound from <c>Collections:CreditorReports</c>.</summary>
public sealed class CreditorReportOptions
{
    public const string Section = "Collections:CreditorReports";

    /// <summary>Send the scheduled reports.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quartz cron expression (UTC) of the daily run that sends whatever report has fallen due.</summary>
    [Required]
    public string Cron { get; set; } = "0 0 6 * * ?";
}

/// <summary>Runs <see cref="CreditorReportMailer"/> on its cron trigger; never two at once (in a cluster, on one node), and a
/// run cut short is run again (a period already sent is not sent twice).</summary>
[DisallowConcurrentExecution]
public sealed class CreditorReportJob(CreditorReportMailer mailer) : IJob
{
    /// <summary>The job's key in the store.</summary>
    public static readonly JobKey Key = new("creditor-reports", WorkScheduler.Group + "-nightly");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await mailer.RunDueAsync(cancellationToken);
}

/// <summary>Registers the scheduled creditor reports.</summary>
public static class CreditorReportSetup
{
    /// <summary>Adds <see cref="CreditorReportOptions"/>, the <see cref="CreditorReportMailer"/> and its daily Quartz job. Needs
    /// <c>AddCollectionsDatabase</c>, <c>AddOutreach</c> (the SMTP sender) and <c>AddWorkflowScheduling</c>.</summary>
    public static IHostApplicationBuilder AddCreditorReports(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CreditorReportOptions>()
            .BindConfiguration(CreditorReportOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => !o.Enabled || CronExpression.TryParse(o.Cron, out _),
                $"{CreditorReportOptions.Section}:{nameof(CreditorReportOptions.Cron)} is not a Quartz cron expression (e.g. \"0 0 6 * * ?\").")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<CreditorReportRenderer>();
        builder.Services.TryAddSingleton(sp => new CreditorReportMailer(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<CreditorReportRenderer>(),
            sp.GetRequiredService<SmtpEmailSender>(),
            sp.GetRequiredService<IOptions<MessagingOptions>>().Value.Agency.Name,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CreditorReportMailer>>()));
        builder.Services.AddTransient<CreditorReportJob>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<CreditorReportOptions>>().Value is var o
            ? new RecurringJob(CreditorReportJob.Key, typeof(CreditorReportJob), o.Enabled, TimeSpan.Zero, o.Cron)
            : null!);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecurringJobInstaller>());
        return builder;
    }
}
