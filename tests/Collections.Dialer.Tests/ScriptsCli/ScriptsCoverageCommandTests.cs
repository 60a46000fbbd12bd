using System.Text.Json;
using Collections.Dialer.Cli;
using Collections.Dialer.ScriptsCli;

namespace Collections.Dialer.Tests.ScriptsCli;

/// <summary><c>scripts coverage</c> and the coverage check <c>scripts validate</c> runs on a folder (docs/scripts.md, Coverage).</summary>
public sealed class ScriptsCoverageCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("scripts-coverage-").FullName;

    private static string Shipped()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collections.sln")))
            {
                return Path.Combine(dir.FullName, "config", "scripts");
            }
        }

        throw new InvalidOperationException("Collections.sln not found");
    }

    // One valid generic consumer first-contact script in English only.
    private const string OneScript = """
        id: only-one
        industry: generic
        debtorType: consumer
        stage: first-contact
        languages: [en]
        nodes:
          - id: bye
            action: end
            say: { en: "Goodbye." }
        """;

    [Fact]
    public void Shipped_scripts_cover_every_industry_debtor_type_stage_and_language()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = ScriptsCoverageCommand.Run([Shipped()], stdout, stderr);

        Assert.Equal(CliOutput.Ok, exit);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // 8 industries (7 seed industries and generic) x 2 debtor types x 7 stages x 6 languages.
        Assert.Equal(8 * 2 * 7 * 6, lines.Count);
        Assert.All(lines, l => Assert.Equal(["industry", "debtorType", "stage", "language", "script"], l.EnumerateObject().Select(p => p.Name)));
        Assert.All(lines, l => Assert.Equal(JsonValueKind.String, l.GetProperty("script").ValueKind));
        var latvianRentalSettlement = lines.Single(l => l.GetProperty("industry").GetString() == "rental" && l.GetProperty("debtorType").GetString() == "business"
            && l.GetProperty("stage").GetString() == "settlement" && l.GetProperty("language").GetString() == "lv");
        Assert.Equal("generic-business-settlement", latvianRentalSettlement.GetProperty("script").GetString());
        var rentalFirst = lines.Single(l => l.GetProperty("industry").GetString() == "rental" && l.GetProperty("debtorType").GetString() == "consumer"
            && l.GetProperty("stage").GetString() == "first-contact" && l.GetProperty("language").GetString() == "sq");
        Assert.Equal("rental-consumer-first-contact", rentalFirst.GetProperty("script").GetString());
        Assert.Contains("all 672 combinations have a script", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_gap_is_printed_as_null_and_exits_two()
    {
        File.WriteAllText(Path.Combine(_temp, "only-one.yaml"), OneScript);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = ScriptsCoverageCommand.Run([_temp], stdout, stderr);

        Assert.Equal(CliOutput.BadInput, exit);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var covered = lines.Where(l => l.GetProperty("script").ValueKind == JsonValueKind.String).ToList();
        // Only consumer first contact in English, for every industry (through the generic fallback).
        Assert.Equal(8, covered.Count);
        Assert.All(covered, l => Assert.Equal(("consumer", "first-contact", "en"), (l.GetProperty("debtorType").GetString(), l.GetProperty("stage").GetString(), l.GetProperty("language").GetString())));
        Assert.Contains("664 of 672 combination(s) have no script", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_reports_the_gaps_of_a_folder_but_not_of_a_single_file()
    {
        var file = Path.Combine(_temp, "only-one.yaml");
        File.WriteAllText(file, OneScript);

        var single = new StringWriter();
        Assert.Equal(CliOutput.Ok, ScriptsValidateCommand.Run([file], single, new StringWriter()));

        var folder = new StringWriter();
        Assert.Equal(CliOutput.BadInput, ScriptsValidateCommand.Run([_temp], folder, new StringWriter()));
        var problems = folder.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(664, problems.Count);
        Assert.Contains(problems, p => p.GetProperty("error").GetString() == "no script for industry 'telecom', business debtors, stage 'first-contact' in 'en': add one for the industry or a generic one");
        Assert.Contains(problems, p => p.GetProperty("error").GetString() == "no script for industry 'generic', consumer debtors, stage 'first-contact' in 'sq': add one for the industry or a generic one");
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);
}
