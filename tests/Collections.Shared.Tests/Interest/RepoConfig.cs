namespace Collections.Shared.Tests.Interest;

/// <summary>Finds the repository's config/interest folder from the test binary's location.</summary>
internal static class RepoConfig
{
    public static string InterestDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "config", "interest");
                if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "Collections.sln")))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("config/interest not found above " + AppContext.BaseDirectory);
        }
    }
}
