using System.Diagnostics;
using System.Text;
using Collections.Fuzz.Targets;

namespace Collections.Fuzz.Tests;

/// <summary>
/// Runs afl-fuzz on each target for a bounded time through tools/fuzz.sh (FUZZ_SECONDS, default 12 s a target, to keep the full run under 20 minutes): a crash
/// or hang that replays on the plain build fails the test with the saved input's path. The tests of this class run one
/// after another (xUnit runs a class's tests in sequence), so one afl-fuzz runs at a time.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AflFuzzTests(ITestOutputHelper output)
{
    private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SECONDS"), out var s) && s > 0 ? s : 12;

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Keys];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Target_SurvivesBoundedAflRun(string target)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "tools", "fuzz.sh"), target, Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-build"])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, log);
        var stderr = PumpAsync(process.StandardError, log);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(Seconds + 300));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(stdout, stderr);
        var text = log.ToString();
        output.WriteLine(text);
        Assert.True(process.ExitCode != 2, $"afl-fuzz could not run on {target}:\n{text}");
        var findings = string.Join('\n', text.Split('\n').Where(l => l.Contains(" input ", StringComparison.Ordinal)));
        Assert.True(process.ExitCode == 0, $"afl-fuzz found inputs that break {target} (add each to tests/corpus/fuzz/regressions/{target} once fixed):\n{findings}\n{text}");
        // A run that executed nothing found nothing: the summary line must show afl at work.
        var summary = System.Text.RegularExpressions.Regex.Match(text, $@"fuzz {System.Text.RegularExpressions.Regex.Escape(target)}: {Seconds} s, (\d+) execs");
        Assert.True(summary.Success && long.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, $"no afl executions on {target}:\n{text}");
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder log)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }
}
