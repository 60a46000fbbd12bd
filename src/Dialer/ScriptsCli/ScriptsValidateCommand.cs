using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Scripts.Validation;

namespace Collections.Dialer.ScriptsCli;

/// <summary>The <c>scripts validate &lt;file-or-dir&gt;...</c> verb (DESIGN.md section 5).</summary>
public static class ScriptsValidateCommand
{
    /// <summary>The <c>scripts</c> command with its <c>validate</c> subcommand.</summary>
    public static Command Create()
    {
        var paths = new Argument<string[]>("file-or-dir")
        {
            Description = "Script files (*.yaml) or directories searched recursively.",
            Arity = ArgumentArity.OneOrMore,
        };
        var validate = new Command("validate", "Checks conversation scripts: exit 0 when all are valid, 2 with one {\"file\",\"line\",\"error\"} line per problem.")
        {
            paths,
        };
        validate.SetAction((ParseResult parse, CancellationToken _) =>
            Task.FromResult(Run(parse.GetValue(paths) ?? [], Console.Out, Console.Error)));

        return new Command("scripts", "Conversation scripts.") { validate, ScriptsCoverageCommand.Create() };
    }

    /// <summary>Validates <paramref name="paths"/>: problems as JSON lines on <paramref name="stdout"/>, a summary on <paramref name="stderr"/>.
    /// A folder is a catalog: it must also cover every industry x debtor type x stage x language (docs/scripts.md).</summary>
    internal static int Run(IReadOnlyList<string> paths, TextWriter stdout, TextWriter stderr)
    {
        var result = ScriptSet.Check(paths, coverage: paths.Any(Directory.Exists));
        foreach (var problem in result.Problems)
        {
            CliOutput.WriteLine(new ProblemLine(problem.File, problem.Line, problem.Error), stdout);
        }

        if (result.IsValid)
        {
            stderr.WriteLine($"{result.Scripts.Count} script(s) valid");
            return CliOutput.Ok;
        }

        return CliOutput.Fail($"{result.Problems.Count} problem(s) in {result.Problems.Select(p => p.File).Distinct(StringComparer.Ordinal).Count()} file(s)", stderr);
    }

    private sealed record ProblemLine(string File, int Line, string Error);
}
