namespace Collections.Dialer.Tests.Simulation;

/// <summary>Finds the repository's shipped scenarios and writes variants of them for tests.</summary>
internal static class ScenarioFiles
{
    public static string Directory { get; } = Path.Combine(RepositoryRoot(), "config", "scenarios");

    public static string PathOf(string name) => Path.Combine(Directory, name + ".json");

    public static TheoryData<string> Shipped()
    {
        var data = new TheoryData<string>();
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    /// <summary>The example scenario with some fields replaced (JSON fragments), saved to a temp file.</summary>
    public static string Variant(string name, params (string Field, string? Json)[] replacements)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(PathOf(name)))!.AsObject();
        foreach (var (field, json) in replacements)
        {
            if (json is null)
            {
                node.Remove(field);
            }
            else
            {
                node[field] = System.Text.Json.Nodes.JsonNode.Parse(json);
            }
        }

        var path = Path.Combine(Path.GetTempPath(), $"scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, node.ToJsonString());
        return path;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Collections.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Collections.sln not found above the test binaries.");
    }
}
