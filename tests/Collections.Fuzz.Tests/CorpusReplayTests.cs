using Collections.Fuzz.Targets;

namespace Collections.Fuzz.Tests;

/// <summary>
/// Every seed and every input that once broke a parser runs through its fuzz target in-process on each test run (fast, no
/// afl needed): a fixed crash that comes back fails here by the file's name.
/// </summary>
public sealed class CorpusReplayTests
{
    /// <summary>A parser that needs longer than this for a few kilobytes is hanging (they take microseconds).</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in (string[])[RepoPaths.Seeds, RepoPaths.Regressions])
        {
            foreach (var target in FuzzTargets.All.Keys)
            {
                var dir = Path.Combine(folder, target);
                foreach (var file in (Directory.Exists(dir) ? Directory.GetFiles(dir) : []).Order(StringComparer.Ordinal))
                {
                    data.Add(target, Path.GetRelativePath(RepoPaths.Root, file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Input_RunsCleanThroughItsTarget(string target, string file)
    {
        var input = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, file), TestContext.Current.CancellationToken);
        var run = Task.Run(() => FuzzTargets.All[target](input), TestContext.Current.CancellationToken);
        var finished = await Task.WhenAny(run, Task.Delay(HangLimit, TestContext.Current.CancellationToken));
        Assert.True(finished == run, $"{file} hangs target {target} (over {HangLimit.TotalSeconds} s)");
        await run; // rethrows what the target threw, with the file in the test's name
    }

    [Fact]
    public void EveryTarget_HasSeeds()
    {
        foreach (var target in FuzzTargets.All.Keys)
        {
            var dir = Path.Combine(RepoPaths.Seeds, target);
            Assert.True(Directory.Exists(dir) && Directory.GetFiles(dir).Length > 0, $"no seed inputs in {dir}");
        }
    }
}
