using Collections.Dialer.Messaging.Email;
using Collections.Dialer.Messaging.Inbound;
using Collections.Dialer.Messaging.Templates;
using Collections.Dialer.Messaging.Twilio;
using Collections.Shared.Compliance;
using Collections.Shared.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Messaging;

/// <summary>Registers messaging for a host: the Twilio side (client, callbacks, inbound) and the full sender with templates and SMTP.</summary>
public static class MessagingSetup
{
    /// <summary>Twilio options, client, status updates and inbound handling; needs the database. Adds compliance when the host has not.</summary>
    public static IHostApplicationBuilder AddTwilioMessaging(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(TwilioMessagesClient)))
        {
            return builder;
        }

        if (!builder.Services.Any(s => s.ServiceType == typeof(ContactLedger)))
        {
            builder.AddCompliance();
        }

        builder.Services.AddOptions<TwilioOptions>()
            .BindConfiguration(TwilioOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient<TwilioMessagesClient>();
        builder.Services.AddSingleton(sp => new MessageStatusUpdater(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<MessageStatusUpdater>>()));
        builder.Services.AddSingleton(sp => new InboundMessageService(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<InboundMessageService>>(),
            sp.GetService<IReportedPaymentHandler>()));
        builder.Services.AddSingleton(sp => new InboundQueue(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Everything of <see cref="AddTwilioMessaging"/> plus templates, SMTP and the outbound sender; a bad template folder
    /// stops the host. The background reconciliation is added by <c>AddOutreach</c>, on the nodes that send.</summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        builder.AddTwilioMessaging();
        builder.Services.AddOptions<MessagingOptions>()
            .BindConfiguration(MessagingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MessagingOptions>, MessagingOptionsValidator>();
        builder.Services.AddOptions<SmtpOptions>()
            .BindConfiguration(SmtpOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => MessageTemplates.Load(sp.GetRequiredService<IOptions<MessagingOptions>>().Value.TemplateDirectory));
        builder.Services.AddSingleton<SmtpEmailSender>();
        builder.Services.AddSingleton(sp => new OutboundMessageSender(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<ContactLedger>(),
            sp.GetRequiredService<MessageTemplates>(),
            sp.GetRequiredService<TwilioMessagesClient>(),
            sp.GetRequiredService<SmtpEmailSender>(),
            sp.GetRequiredService<IOptions<TwilioOptions>>(),
            sp.GetRequiredService<IOptions<MessagingOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OutboundMessageSender>>()));
        return builder;
    }
}

/// <summary>Loads the templates at start so a broken file stops the host naming the key and the file.</summary>
internal sealed class MessagingOptionsValidator : IValidateOptions<MessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, MessagingOptions options)
    {
        try
        {
            MessageTemplates.Load(options.TemplateDirectory);
            return ValidateOptionsResult.Success;
        }
        catch (TemplateException ex)
        {
            return ValidateOptionsResult.Fail($"{MessagingOptions.Section}:{nameof(MessagingOptions.TemplateDirectory)}: {ex.Message}");
        }
    }
}
