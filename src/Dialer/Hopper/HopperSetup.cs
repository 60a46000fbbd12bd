using System.ComponentModel.DataAnnotations;
using Collections.Shared.Abandonment;
using Collections.Shared.Compliance;
using Collections.Shared.Configuration;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.DueContacts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Hopper;

/// <summary>Registers the hopper and the abandonment statistics for a dialer host.</summary>
public static class HopperSetup
{
    /// <summary>
    /// Adds <see cref="DialerHopper"/> (node id from <c>Collections:Hopper:NodeId</c>, else the ledger's node id when the host
    /// reconciles the ledger, so a live node that finds this one dead gives back its claims at once (<see cref="LedgerReconciler"/>),
    /// else the machine name and process id)
    /// over the queue of due contacts (<see cref="DueContactQueue"/>, added when not registered yet) and <see cref="AbandonmentStats"/>; needs the database and compliance registrations. Bad options stop the host at start.
    /// </summary>
    public static IHostApplicationBuilder AddHopper(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HopperOptions>()
            .ReplaceConfiguredLists(HopperOptions.Section)
            .BindConfiguration(HopperOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HopperOptions>, HopperOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        var configuredNode = builder.Configuration[$"{HopperOptions.Section}:NodeId"];
        builder.Services.TryAddSingleton(sp => new DueContactQueue(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DueContactQueue>>()));
        builder.Services.AddSingleton(sp => new DialerHopper(
            configuredNode is { Length: > 0 } ? configuredNode : sp.GetService<LedgerNodeIdentity>()?.Id ?? DefaultNodeId(),
            sp.GetRequiredService<ComplianceEngine>(),
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<HopperOptions>>().Value,
            sp.GetRequiredService<DueContactQueue>(),
            sp.GetRequiredService<ILogger<DialerHopper>>()));
        builder.Services.AddOptions<AbandonmentOptions>().BindConfiguration(AbandonmentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => new AbandonmentStats(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<AbandonmentOptions>>().Value));
        return builder;
    }

    /// <summary>The machine name and process id: unique per running node, and readable in the claim table.</summary>
    public static string DefaultNodeId()
    {
        var id = $"{Environment.MachineName}-{Environment.ProcessId}";
        return id.Length <= 64 ? id : id[^64..];
    }

    /// <summary>Binds <see cref="HopperOptions"/> from a configuration section and validates it, naming the key at fault.</summary>
    public static HopperOptions ReadOptions(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var options = new HopperOptions();
        Collections.Shared.Configuration.ConfiguredLists.ClearConfigured(options, configuration.GetSection(HopperOptions.Section));
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(HopperOptions.Section), options);
        var result = new HopperOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(HopperOptions.Section, typeof(HopperOptions), result.Failures);
        }

        return options;
    }

    internal sealed class HopperOptionsValidator : IValidateOptions<HopperOptions>
    {
        public ValidateOptionsResult Validate(string? name, HopperOptions options)
        {
            var results = new List<ValidationResult>();
            return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(results.Select(r => $"{HopperOptions.Section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }
}
