namespace Collections.Scripts.Tests;

/// <summary>Finds the repository root by walking up from the test's base directory to Collections.sln.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string ScriptsDirectory => Path.Combine(Root, "config", "scripts");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collections.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Collections.sln not found above {AppContext.BaseDirectory}");
    }
}
