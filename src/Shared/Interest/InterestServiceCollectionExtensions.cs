using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collections.Shared.Interest;

/// <summary>Where the interest rule files live (configuration section "Interest").</summary>
public sealed class InterestOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Interest";

    /// <summary>Folder of the rule files; relative paths are taken from the host's content root.</summary>
    [Required]
    public string RulesDirectory { get; set; } = InterestRuleBook.DefaultDirectory;
}

/// <summary>Registers statutory interest for a host.</summary>
public static class InterestServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="InterestRuleBook"/> and <see cref="StatutoryInterestCalculator"/> as singletons. The rule files
    /// are read and checked when the host starts, so a missing folder or a broken file stops it with a message naming
    /// the key (Interest:RulesDirectory) or the file.
    /// </summary>
    public static IHostApplicationBuilder AddStatutoryInterest(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var contentRoot = builder.Environment.ContentRootPath;
        // The content root first (a deployment's own folder), then the repository's config folder wherever the host runs
        // (the console runs from src/AgentConsole), as for the strategies.
        string Folder(InterestOptions o) => Directory.Exists(Path.Combine(contentRoot, o.RulesDirectory))
            ? Path.Combine(contentRoot, o.RulesDirectory)
            : Configuration.ConfigFolders.Resolve(o.RulesDirectory);
        builder.Services.AddOptions<InterestOptions>()
            .BindConfiguration(InterestOptions.Section)
            .ValidateDataAnnotations()
            .Validate(
                o => Directory.Exists(Folder(o)),
                $"{InterestOptions.Section}:{nameof(InterestOptions.RulesDirectory)} does not name an existing folder.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => InterestRuleBook.Load(Folder(sp.GetRequiredService<IOptions<InterestOptions>>().Value)));
        builder.Services.AddSingleton<StatutoryInterestCalculator>();
        return builder;
    }
}
