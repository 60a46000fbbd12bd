using Collections.Fuzz.Targets;
using SharpFuzz;

// collections-fuzz <target>                  run under afl-fuzz (tools/fuzz.sh): input on stdin, one process for many inputs
// collections-fuzz replay <target> <file>... run inputs once each and say which broke the target (exit 1 if any did)
if (args is [var name] && FuzzTargets.All.TryGetValue(name, out var target))
{
    Fuzzer.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target(buffer.ToArray());
    });
    return 0;
}

if (args is ["replay", var replayName, .. var files] && FuzzTargets.All.TryGetValue(replayName, out var replayTarget) && files.Length > 0)
{
    var failed = 0;
    foreach (var file in files)
    {
        try
        {
            replayTarget(File.ReadAllBytes(file));
        }
        catch (Exception ex)
        {
            failed++;
            Console.Error.WriteLine($"{file}: {ex}");
        }
    }

    Console.WriteLine($"{replayName}: {files.Length - failed} of {files.Length} inputs ran clean");
    return failed == 0 ? 0 : 1;
}

Console.Error.WriteLine($"usage: collections-fuzz <target> | collections-fuzz replay <target> <file>...; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
return 2;
