using System.Diagnostics;
using Collections.Testing;

namespace Collections.AgentConsole.Tests.EndToEnd;

/// <summary>
/// The real main job as a user starts it, in a child process: <c>dotnet Collections.AgentConsole.dll</c> from the console's
/// build output, configured only through environment variables and the command line. Its output goes to a log file the
/// test names in its failures. <see cref="Kill"/> is SIGKILL (<see cref="Process.Kill(bool)"/>): no shutdown hook runs, as
/// when the machine loses power or the OOM killer strikes.
/// </summary>
internal sealed class ConsoleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    private ConsoleProcess(Process process, StreamWriter log, string logPath)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    /// <summary>The console's build output, in the configuration the tests were built in (the test project builds it).</summary>
    public static string Dll { get; } = RepositoryRoot.Combine("src", "AgentConsole", "bin", BuildConfiguration, "net10.0", "Collections.AgentConsole.dll");

    /// <summary>The ops CLI's build output (<c>collections-dialer</c>).</summary>
    public static string CliDll { get; } = RepositoryRoot.Combine("src", "Dialer", "bin", BuildConfiguration, "net10.0", "collections-dialer.dll");

    private static string BuildConfiguration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    public string LogPath { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the console listening on <paramref name="baseAddress"/> and waits until <c>/health</c> answers 200.</summary>
    public static async Task<ConsoleProcess> StartAsync(Uri baseAddress, IReadOnlyDictionary<string, string> environment, string logPath, CancellationToken ct)
    {
        Assert.True(File.Exists(Dll), $"{Dll} is missing: build the test project (it builds the console) first");
        var start = new ProcessStartInfo("dotnet")
        {
            // The build output is where a deployment runs from: appsettings*.json are read from here.
            WorkingDirectory = Path.GetDirectoryName(Dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.AbsoluteUri.TrimEnd('/'));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        await log.WriteLineAsync($"==== start {DateTimeOffset.UtcNow:O}: dotnet {Dll} --urls {baseAddress}");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new ConsoleProcess(process, log, logPath);
        process.OutputDataReceived += (_, e) => host.Write(e.Data);
        process.ErrorDataReceived += (_, e) => host.Write(e.Data);
        process.Exited += (_, _) => host._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail($"the console exited with {process.ExitCode} during start; log: {logPath}\n{host.Tail()}");
            }

            try
            {
                if ((await http.GetAsync("/health", ct)).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }

            // A wait for a slow start on a loaded machine, not a speed limit.
            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                await host.DisposeAsync();
                Assert.Fail($"the console did not answer /health within 3 minutes; log: {logPath}\n{host.Tail()}");
            }

            await Task.Delay(250, ct);
        }
    }

    /// <summary>Runs the ops CLI (<c>collections-dialer</c>) with <paramref name="environment"/> in <paramref name="workingDirectory"/>
    /// and returns its exit code and output; a CLI that runs for 3 minutes is stopped (a wait on a loaded machine, not a speed limit).</summary>
    public static async Task<CliResult> RunCliAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>SIGKILL, and waits until the process is gone (its ports and files are free again).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        else if (_exited.Task.IsCompleted)
        {
            return;
        }

        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _process.WaitForExit();
        Write($"==== killed (SIGKILL) {DateTimeOffset.UtcNow:O}");
    }

    /// <summary>Waits until <paramref name="done"/> holds on the job's database, polling every half second; fails after 3 minutes
    /// naming <paramref name="what"/> with the log's tail. A wait on the job's progress, not a speed limit: generous on a loaded machine.</summary>
    public async Task WaitUntilAsync(Collections.Shared.Persistence.DatabaseOptions database, string what, Func<Collections.Shared.Persistence.CollectionsDbContext, Task<bool>> done,
        Func<Collections.Shared.Persistence.CollectionsDbContext, Task<string>>? explain = null)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromMinutes(3); waited += TimeSpan.FromMilliseconds(500))
        {
            await using (var db = Collections.Shared.Persistence.DatabaseSetup.CreateContext(database))
            {
                if (await done(db))
                {
                    return;
                }
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        var state = "";
        if (explain is not null)
        {
            await using var db = Collections.Shared.Persistence.DatabaseSetup.CreateContext(database);
            state = $"\nthe database then:\n{await explain(db)}";
        }

        // The whole log beside the test's other artifacts: a full run's failure message shows only its tail.
        var kept = Path.Combine(AppContext.BaseDirectory, "artifacts", $"{Path.GetFileNameWithoutExtension(LogPath)}-{DateTime.UtcNow:yyyyMMddHHmmss}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
        lock (_log)
        {
            if (!_closed)
            {
                _log.Flush();
            }
        }

        File.Copy(LogPath, kept, overwrite: true);
        Assert.Fail($"waited 3 minutes for {what} (whole log: {kept}){state}\nlog:\n{Tail()}");
    }

    /// <summary>Deletes a test's scratch folder, leaving it when a file is still held open.</summary>
    public static ValueTask DeleteFolderAsync(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The last lines of the log, for a failure message.</summary>
    public string Tail(int lines = 60)
    {
        lock (_log)
        {
            if (!_closed)
            {
                _log.Flush();
            }
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        lock (_log)
        {
            _closed = true;
            _log.Dispose();
        }

        _process.Dispose();
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (!_closed)
            {
                _log.WriteLine(line);
            }
        }
    }
}
