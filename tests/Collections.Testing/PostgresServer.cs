using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Collections.Testing;

/// <summary>A real PostgreSQL server for tests: <c>initdb</c> into a temporary folder and <c>pg_ctl</c> on a free
/// port on 127.0.0.1, stopped and deleted on dispose. PostgreSQL refuses to run as root, so as root the server
/// runs as the <c>postgres</c> user that Debian's package creates.</summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _dataDir;
    private readonly string? _runAs;
    private int _databases;

    private PostgresServer(string bin, string root, int port, string? runAs)
    {
        _bin = bin;
        Root = root;
        _dataDir = Path.Combine(root, "data");
        Port = port;
        _runAs = runAs;
    }

    public int Port { get; }

    public string Root { get; }

    /// <summary>Connection string of the server's maintenance database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>Starts a new server; throws with the server log when it does not come up.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: run ./test.sh, which installs the Debian package 'postgresql'.");
        var root = Path.Combine(Path.GetTempPath(), $"collections-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null)
        {
            await RunAsync("chown", ["-R", runAs, root], null);
        }

        var server = new PostgresServer(bin, root, FreePort(), runAs);
        await server.RunToolAsync("initdb", ["-D", server._dataDir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
        var options = $"-p {server.Port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        await server.RunToolAsync("pg_ctl", ["-D", server._dataDir, "-l", Path.Combine(root, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
        return server;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    /// <summary>Creates a database with the content of the one <paramref name="connectionString"/> names (PostgreSQL copies a
    /// template database); returns the copy's connection string.</summary>
    public async Task<string> CopyDatabaseAsync(string connectionString, string prefix = "copy")
    {
        var source = new NpgsqlConnectionStringBuilder(connectionString).Database;
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}".ToLowerInvariant();
        // A template must have no other connection: the pooled idle ones of the tests' contexts are closed first.
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{source}\"", connection);
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunToolAsync("pg_ctl", ["-D", _dataDir, "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless; the server is already stopped.
            }
        }
    }

    private Task RunToolAsync(string tool, string[] arguments) => _runAs is null
        ? RunAsync(Path.Combine(_bin, tool), arguments, Root)
        : RunAsync("runuser", ["-u", _runAs, "--", Path.Combine(_bin, tool), .. arguments], Root);

    private static async Task RunAsync(string file, string[] arguments, string? workingDirectory)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            var log = workingDirectory is not null && File.Exists(Path.Combine(workingDirectory, "server.log"))
                ? await File.ReadAllTextAsync(Path.Combine(workingDirectory, "server.log"))
                : "";
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stdout}{await stderr}{log}");
        }
    }

    private static string? FindBinaries() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault()
        : null;

    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
