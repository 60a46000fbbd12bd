using Collections.Dialer.Scheduling;
using Collections.Shared.Legal;

namespace Collections.AgentConsole.Features.Legal;

/// <summary>Legal review (issue 16): limitation per jurisdiction kept current for open cases, and the legal queue's API.</summary>
public static class LegalFeatureSetup
{
    public static IHostApplicationBuilder AddLegal(this IHostApplicationBuilder builder)
    {
        builder.AddLimitation();
        builder.AddLimitationRefresh();
        return builder;
    }
}
