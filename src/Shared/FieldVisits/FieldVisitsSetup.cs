using Collections.Shared.Legal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Collections.Shared.FieldVisits;

/// <summary>Registers field visits: the visiting-hour rule and the visit service.</summary>
public static class FieldVisitsSetup
{
    /// <summary>Adds <see cref="VisitingHours"/> and <see cref="FieldVisitService"/> (and <see cref="LimitationService"/>, which an
    /// acknowledgement restarts); needs <c>AddCompliance</c>, <c>AddCaseWorkflow</c> and the database.</summary>
    public static IHostApplicationBuilder AddFieldVisitRules(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddLimitation();
        builder.Services.TryAddSingleton<VisitingHours>();
        builder.Services.TryAddSingleton<FieldVisitService>();
        return builder;
    }
}
