using System.ComponentModel.DataAnnotations;

namespace Collections.Shared.Compliance;

/// <summary>Compliance settings, bound from <c>Collections:Compliance</c>.</summary>
public sealed class ComplianceOptions
{
    public const string Section = "Collections:Compliance";

    /// <summary>Folder of the rule packs; a relative path is looked up from the working directory, then its parents, then the application's folder and its parents.</summary>
    [Required]
    public string RulePackDirectory { get; set; } = "config/compliance";

    /// <summary>Resolves <paramref name="path"/> to an existing folder (<see cref="Configuration.ConfigFolders.Resolve"/>).</summary>
    public static string ResolveDirectory(string path) => Configuration.ConfigFolders.Resolve(path);
}
