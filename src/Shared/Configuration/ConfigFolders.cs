namespace Collections.Shared.Configuration;

/// <summary>Finds the repository's configuration folders (config/strategies, config/compliance, config/templates ...) from
/// wherever a host runs: the CLI from the repository root, the console from src/AgentConsole, tests from their bin folder.</summary>
public static class ConfigFolders
{
    /// <summary>Resolves a relative <paramref name="path"/> by looking in the working directory, then its parents, then the
    /// application's folder and its parents; returns it unchanged when rooted or when no such folder exists.</summary>
    public static string Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
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
