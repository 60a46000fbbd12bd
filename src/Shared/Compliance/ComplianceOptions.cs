using System.ComponentModel.DataAnnotations;

namespace Collections.Shared.Compliance;

/// <summary>Compliance settings, bound from <c>Collections:Compliance</c>.</summary>
public sealed class ComplianceOptions
{
    public const string Section = "Collections:Compliance";

    /// <summary>Folder of the rule packs; a relative path is looked up from the working directory, then its parents, then the application's folder and its parents.</summary>
    [Required]
    public string RulePackDirectory { get; set; } = "config/compliance";

    /// <summary>Resolves <paramref name="path"/> to an existing folder, or returns it unchanged when none is found.</summary>
    public static string ResolveDirectory(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, path);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return path;
    }
}
