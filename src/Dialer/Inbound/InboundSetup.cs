using Collections.Dialer.Calls;
using Collections.Dialer.Campaigns;
using Collections.Shared.Compliance;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Inbound;

/// <summary>Registers inbound calls for a host with telephony, the ledger and the console's agent pool and call events.</summary>
public static class InboundSetup
{
    /// <summary>Binds <c>Dialer:Inbound</c> (validated at start: a bad number, time or zone stops the host naming the key) and
    /// adds <see cref="InboundDesk"/>; call after <c>AddTelephony</c> so the desk stops (hanging up its calls) before telephony.</summary>
    public static IHostApplicationBuilder AddInbound(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<InboundOptions>()
            .BindConfiguration(InboundOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Problems().Count == 0, $"{InboundOptions.Section} is invalid")
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<InboundOptions>, ProblemsValidator>();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<InboundOptions>>().Value;
            var logger = sp.GetRequiredService<ILogger<InboundDesk>>();
            var context = new InboundDeskContext(
                options,
                new InboundPrompts(options.PromptsDirectory),
                sp.GetRequiredService<ICollectionsDbContextFactory>(),
                sp.GetRequiredService<ContactLedger>(),
                sp.GetRequiredService<IAgentPool>(),
                sp.GetRequiredService<ICampaignCallEvents>(),
                sp.GetService<ComplianceEngine>(),
                sp.GetService<IInboundCallEvents>(),
                sp.GetService<AgentPhones>(),
                sp.GetService<IOptions<RecordingOptions>>()?.Value,
                sp.GetService<WorkflowRunner>(),
                sp.GetRequiredService<TimeProvider>(),
                logger);
            return new InboundDesk(context, sp.GetRequiredService<IOutboundCalls>(), logger);
        });
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InboundDesk>());
        // Blending: every campaign's pacing on this node asks the desk how many ready operators the inbound queue needs.
        builder.Services.AddSingleton<IInboundReservation>(sp => sp.GetRequiredService<InboundDesk>().Traffic);
        return builder;
    }

    /// <summary>Names each problem (key and value) in the start-up failure, not just the section.</summary>
    private sealed class ProblemsValidator : IValidateOptions<InboundOptions>
    {
        public ValidateOptionsResult Validate(string? name, InboundOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
