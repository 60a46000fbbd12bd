using Collections.Shared.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Shared.Compliance;

/// <summary>Registers the compliance engine, the explain service, the contact ledger and operators' marks on calls for a host.</summary>
public static class ComplianceSetup
{
    /// <summary>Adds compliance; needs <see cref="DatabaseSetup.AddCollectionsDatabase"/>. A bad pack stops the host at start.</summary>
    public static IHostApplicationBuilder AddCompliance(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ComplianceOptions>()
            .BindConfiguration(ComplianceOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ComplianceOptions>, ComplianceOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IPublicHolidays, CalendarPublicHolidays>();
        builder.Services.AddSingleton(sp => CreateEngine(sp.GetRequiredService<IOptions<ComplianceOptions>>().Value, sp.GetRequiredService<IPublicHolidays>()));
        builder.Services.AddSingleton(sp => new ComplianceService(
            sp.GetRequiredService<ComplianceEngine>(),
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new ContactLedger(
            sp.GetRequiredService<ComplianceEngine>(),
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ContactLedger>>())
        {
            Node = sp.GetService<LedgerNodeIdentity>()?.Id,
        });

        // Operators' marks on calls live in the ledger's rows; one instance per host, so a mark tells the campaign running here.
        builder.Services.TryAddSingleton(sp => new Abandonment.AmdMarks(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Loads the packs named by <paramref name="options"/> and builds the engine (the CLI and tests call this directly).</summary>
    public static ComplianceEngine CreateEngine(ComplianceOptions options, IPublicHolidays? holidays = null) =>
        new(RulePackLoader.LoadDirectory(ComplianceOptions.ResolveDirectory(options.RulePackDirectory)), holidays ?? new CalendarPublicHolidays());
}

/// <summary>Loads the packs at start, so a missing folder or a bad pack stops the host with a message naming the key and file.</summary>
internal sealed class ComplianceOptionsValidator : IValidateOptions<ComplianceOptions>
{
    public ValidateOptionsResult Validate(string? name, ComplianceOptions options)
    {
        try
        {
            ComplianceSetup.CreateEngine(options);
            return ValidateOptionsResult.Success;
        }
        catch (RulePackException ex)
        {
            return ValidateOptionsResult.Fail($"{ComplianceOptions.Section}:{nameof(ComplianceOptions.RulePackDirectory)}: {ex.Message}");
        }
    }
}
