using System.CommandLine;

namespace Collections.Dialer.Cli;

/// <summary>Builds the ops CLI from the verbs each feature folder contributes and runs it.</summary>
public static class CliApp
{
    /// <summary>Parses and runs <paramref name="args"/>; parse errors exit with code 2 and name the argument at fault.</summary>
    public static async Task<int> RunAsync(string[] args, IEnumerable<Command> verbs, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Collections ops CLI: dialing, answering-machine detection, pacing simulation, scripts, imports, compliance and interest.");
        foreach (var verb in verbs)
        {
            // Two features may contribute sub-verbs to one verb ("import accounts", "import payments"): they are merged.
            if (root.Subcommands.FirstOrDefault(c => c.Name == verb.Name) is { } existing)
            {
                foreach (var sub in verb.Subcommands.ToList())
                {
                    existing.Subcommands.Add(sub);
                }
            }
            else
            {
                root.Subcommands.Add(verb);
            }
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            return CliOutput.BadInput;
        }

        return await parsed.InvokeAsync(cancellationToken: cancellationToken);
    }
}
