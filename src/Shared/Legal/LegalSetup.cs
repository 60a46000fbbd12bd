using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Collections.Shared.Legal;

/// <summary>Registers the legal rules: limitation per jurisdiction (from the compliance rule packs).</summary>
public static class LegalSetup
{
    /// <summary>Adds <see cref="LimitationService"/> once however often it is called; needs <c>AddCompliance</c> (the packs) and the database.</summary>
    public static IHostApplicationBuilder AddLimitation(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Called by each feature that needs it (legal review, field visits): binding the options twice would append every
        // list setting (the court-fee bands) a second time.
        if (builder.Services.Any(d => d.ServiceType == typeof(LimitationService)))
        {
            return builder;
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<LimitationService>();
        builder.Services.TryAddSingleton<LegalQueue>();
        builder.Services.TryAddSingleton<LegalChecklistService>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<LegalReviewOptions>, LegalReviewOptionsValidator>());
        builder.Services.AddOptions<LegalReviewOptions>()
            .BindConfiguration(LegalReviewOptions.Section)
            .ValidateOnStart();
        return builder;
    }
}
