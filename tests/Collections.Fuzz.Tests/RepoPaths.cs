namespace Collections.Fuzz.Tests;

/// <summary>Finds the repository root by walking up from the test's base directory to Collections.sln.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    /// <summary>Seed inputs per target: real inputs of the repository (samples, scripts, messages from the parser tests).</summary>
    public static string Seeds => Path.Combine(Root, "tests", "corpus", "fuzz", "seeds");

    /// <summary>Inputs that once broke a target, one folder per target; each is replayed by every test run.</summary>
    public static string Regressions => Path.Combine(Root, "tests", "corpus", "fuzz", "regressions");

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
