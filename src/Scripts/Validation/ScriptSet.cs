using Collections.Scripts.Loading;
using Collections.Scripts.Model;
using Collections.Scripts.Selection;

namespace Collections.Scripts.Validation;

/// <summary>Loads and validates every script under a list of files and folders, as the <c>scripts validate</c> verb does.</summary>
public static class ScriptSet
{
    /// <summary>The file endings treated as scripts when a folder is given.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".yaml", ".yml"];

    /// <summary>Loads and validates the scripts at <paramref name="paths"/> (files, or folders searched recursively); with
    /// <paramref name="coverage"/>, also reports every combination of <see cref="ScriptCoverage.Report"/> without a script.</summary>
    public static ScriptSetResult Check(IEnumerable<string> paths, bool coverage = false)
    {
        paths = [.. paths];
        var problems = new List<ScriptProblem>();
        var scripts = new List<Script>();
        foreach (var path in paths)
        {
            var files = Expand(path, problems);
            foreach (var file in files)
            {
                var loaded = ScriptLoader.LoadFile(file);
                problems.AddRange(loaded.Problems);
                if (loaded.Script is { } script)
                {
                    scripts.Add(script);
                    problems.AddRange(ScriptValidator.Validate(script));
                }
            }
        }

        problems.AddRange(ScriptValidator.ValidateSet(scripts));

        // A catalog the console loads must have a script for every combination a call can come in, or an operator gets
        // a screen-pop without one. Checked once the scripts themselves are sound.
        if (coverage && problems.Count == 0)
        {
            var where = string.Join(", ", paths);
            problems.AddRange(ScriptCoverage.Report(new ScriptCatalog(scripts)).Where(r => !r.Covered).Select(r => new ScriptProblem(where, 0,
                $"no script for industry '{ScriptVocabulary.Name(r.Industry)}', {ScriptVocabulary.Name(r.DebtorType)} debtors, stage '{ScriptVocabulary.Name(r.Stage)}' in '{r.Language}': add one for the industry or a generic one")));
        }

        return new ScriptSetResult(scripts, problems);
    }

    private static List<string> Expand(string path, List<ScriptProblem> problems)
    {
        if (File.Exists(path))
        {
            return [path];
        }

        if (!Directory.Exists(path))
        {
            problems.Add(new ScriptProblem(path, 0, "no such file or directory"));
            return [];
        }

        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            problems.Add(new ScriptProblem(path, 0, "no script files (*.yaml, *.yml) in this directory"));
        }

        return files;
    }
}

/// <summary>The scripts that loaded and every problem found across them.</summary>
public sealed record ScriptSetResult(IReadOnlyList<Script> Scripts, IReadOnlyList<ScriptProblem> Problems)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsValid => Problems.Count == 0;
}
