using System.Text.Json;
using Collections.Dialer.Cli;
using Collections.Dialer.ScriptsCli;

namespace Collections.Dialer.Tests.ScriptsCli;

public sealed class ScriptsValidateCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("scripts-validate-").FullName;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collections.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Collections.sln not found");
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] paths)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = ScriptsValidateCommand.Run(paths, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void ShippedScripts_ExitZeroAndPrintNothingOnStdout()
    {
        var (exit, stdout, stderr) = Run(Path.Combine(RepoRoot(), "config", "scripts"));

        Assert.Equal(CliOutput.Ok, exit);
        Assert.Equal("", stdout);
        Assert.Matches(@"^\d+ script\(s\) valid", stderr);
    }

    [Fact]
    public async Task ParsedVerb_ShippedScripts_ExitZero()
    {
        var exit = await CliApp.RunAsync(["scripts", "validate", Path.Combine(RepoRoot(), "config", "scripts")], [ScriptsValidateCommand.Create()], TestContext.Current.CancellationToken);

        Assert.Equal(CliOutput.Ok, exit);
    }

    [Fact]
    public void BrokenScript_ExitTwoWithOneJsonLinePerProblem()
    {
        var file = Path.Combine(_temp, "broken.yaml");
        File.WriteAllText(file, """
            id: broken
            industry: telecom
            debtorType: consumer
            stage: first-contact
            languages: [en, de]
            nodes:
              - id: greeting
                say: { en: "You owe {account.balance}.", de: "Offen: {account.balance}." }
                answers:
                  - id: ok
                    label: { en: "OK" }
                    next: nowhere
            """);

        var (exit, stdout, stderr) = Run(file);

        Assert.Equal(CliOutput.BadInput, exit);
        Assert.NotEqual("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<JsonElement>(l))
            .ToList();
        Assert.All(lines, l =>
        {
            Assert.Equal(["file", "line", "error"], l.EnumerateObject().Select(p => p.Name));
            Assert.Equal(file, l.GetProperty("file").GetString());
        });
        var found = lines.Select(l => (l.GetProperty("line").GetInt32(), l.GetProperty("error").GetString()!)).ToList();
        Assert.Contains(found, p => p.Item1 == 8 && p.Item2.Contains("discloses the debt with {account.balance} (en)", StringComparison.Ordinal));
        Assert.Contains(found, p => p.Item1 == 11 && p.Item2.Contains("has no 'de' translation", StringComparison.Ordinal));
        Assert.Contains(found, p => p.Item1 == 12 && p.Item2.Contains("unknown node 'nowhere'", StringComparison.Ordinal));
        Assert.Equal(4, found.Count);
    }

    [Fact]
    public void BadYamlAndMissingPath_AreReportedWithExitTwo()
    {
        var file = Path.Combine(_temp, "bad.yml");
        File.WriteAllText(file, "id: x\nnodes: [\n  - id: a\n");
        var missing = Path.Combine(_temp, "missing");

        var (exit, stdout, _) = Run(file, missing);

        Assert.Equal(CliOutput.BadInput, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("invalid YAML", lines[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(lines[0].GetProperty("line").GetInt32() >= 2);
        Assert.Equal((missing, 0, "no such file or directory"), (lines[1].GetProperty("file").GetString(), lines[1].GetProperty("line").GetInt32(), lines[1].GetProperty("error").GetString()));
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);
}
