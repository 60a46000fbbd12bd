using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Scripts.Model;
using Collections.Scripts.Selection;
using Collections.Scripts.Validation;

namespace Collections.Dialer.ScriptsCli;

/// <summary>The <c>scripts coverage &lt;file-or-dir&gt;...</c> verb: which script a call gets in every industry x debtor type x
/// stage x language, after the selection's fallback (industry, then generic; stage never relaxed).</summary>
public static class ScriptsCoverageCommand
{
    /// <summary>The <c>coverage</c> subcommand of <c>scripts</c>.</summary>
    public static Command Create()
    {
        var paths = new Argument<string[]>("file-or-dir")
        {
            Description = "Script files (*.yaml) or directories searched recursively, as the console would load them.",
            Arity = ArgumentArity.OneOrMore,
        };
        var coverage = new Command("coverage", "One {\"industry\",\"debtorType\",\"stage\",\"language\",\"script\"} line per combination; script is null where a call would get none. Exit 0 when every combination has a script, 2 otherwise.")
        {
            paths,
        };
        coverage.SetAction((ParseResult parse, CancellationToken _) =>
            Task.FromResult(Run(parse.GetValue(paths) ?? [], Console.Out, Console.Error)));
        return coverage;
    }

    /// <summary>Prints the coverage of the scripts at <paramref name="paths"/>; refuses scripts that do not validate.</summary>
    internal static int Run(IReadOnlyList<string> paths, TextWriter stdout, TextWriter stderr)
    {
        var result = ScriptSet.Check(paths);
        if (!result.IsValid)
        {
            return CliOutput.Fail($"{result.Problems.Count} problem(s) in the scripts; run 'scripts validate' first (first: {result.Problems[0].File}:{result.Problems[0].Line}: {result.Problems[0].Error})", stderr);
        }

        var rows = ScriptCoverage.Report(new ScriptCatalog(result.Scripts));
        foreach (var row in rows)
        {
            CliOutput.WriteLine(new CoverageLine(ScriptVocabulary.Name(row.Industry), ScriptVocabulary.Name(row.DebtorType), ScriptVocabulary.Name(row.Stage), row.Language, row.Script?.Id), stdout);
        }

        var missing = rows.Count(r => !r.Covered);
        if (missing > 0)
        {
            return CliOutput.Fail($"{missing} of {rows.Count} combination(s) have no script", stderr);
        }

        stderr.WriteLine($"all {rows.Count} combinations have a script ({result.Scripts.Count} script(s))");
        return CliOutput.Ok;
    }

    private sealed record CoverageLine(string Industry, string DebtorType, string Stage, string Language, string? Script);
}
