extern alias console;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Collections.Benchmarks.Import;
using Collections.Shared.Creditors;
using Collections.Shared.Import;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Collections.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Benchmarks.Creditors;

/// <summary>Placement through the creditor API on the real console (Kestrel on loopback, SQLite), in batches of 1,000 over
/// one key, then the same batches again (nothing changes); beside it in the same run the baselines: the CSV import of the
/// same accounts with the same importer and claim analysis, and one account per request.</summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- placement [accounts] [singleRequests]</c>.
/// The workflow's sweep and its resync at start are off in the node, so the figure is placement alone (in the demo it works
/// the new cases at once). Each run prints the process's CPU seconds beside the wall time.</remarks>
public static class PlacementBenchmark
{
    private const int Batch = 1_000;
    private const string Creditor = "TELCO-DE";

    public static async Task RunAsync(int accounts, int single)
    {
        var folder = Directory.CreateTempSubdirectory("collections-placement-bench").FullName;
        try
        {
            var csv = Path.Combine(folder, "accounts.csv");
            PortfolioGenerator.Write(csv, accounts + single);
            var (header, records) = Read(csv);
            var creditorColumn = Array.IndexOf(header, AccountCsvFormat.Creditor);
            // Every account is the key's creditor's: the file's creditor column is replaced, for the API and the baseline alike.
            foreach (var r in records)
            {
                r.Fields[creditorColumn] = Creditor;
            }

            var items = records.Select(r => Item(header, r)).ToList();
            using var node = new Node(Path.Combine(folder, "api.db"));
            using var http = await node.ClientAsync();

            Console.WriteLine($"load average at start: {LoadAverage()}");
            var placed = await PlaceAsync(http, items.Take(accounts).Chunk(Batch));
            var again = await PlaceAsync(http, items.Take(accounts).Chunk(Batch));
            var one = await PlaceAsync(http, items.Skip(accounts).Take(single).Chunk(1));

            var baselineCsv = Path.Combine(folder, "baseline.csv");
            await File.WriteAllLinesAsync(baselineCsv, [string.Join(',', header), .. records.Take(accounts).Select(r => string.Join(',', r.Fields.Select(Quote)))]);
            var baseline = await ImportAsync(Path.Combine(folder, "baseline.db"), baselineCsv);

            Console.WriteLine();
            // CPU seconds are the whole process's (server, in-process client, and anything else the node runs): on a shared
            // machine they move far less with others' load than the wall time does.
            Console.WriteLine("| run | accounts | created | unchanged | rejected | seconds | accounts/s | CPU seconds | CPU ms per account |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            Row($"API, batches of {Batch:N0}, empty creditor", accounts, placed);
            Row($"API, the same batches again", accounts, again);
            Row("baseline: API, one account per request", single, one);
            Console.WriteLine($"| baseline: CSV import of the same accounts | {accounts:N0} | {baseline.Inserted:N0} | {baseline.Unchanged:N0} | {baseline.Rejected:N0} | {baseline.Seconds:0.0} | {accounts / baseline.Seconds:N0} | {baseline.Cpu:0.0} | {baseline.Cpu * 1000 / accounts:0.00} |");
            Console.WriteLine($"load average at the end: {LoadAverage()}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Row(string name, int accounts, (int Created, int Unchanged, int Rejected, double Seconds, double Cpu) r) =>
        Console.WriteLine($"| {name} | {accounts:N0} | {r.Created:N0} | {r.Unchanged:N0} | {r.Rejected:N0} | {r.Seconds:0.0} | {accounts / r.Seconds:N0} | {r.Cpu:0.0} | {r.Cpu * 1000 / accounts:0.00} |");

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    private static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static async Task<(int Created, int Unchanged, int Rejected, double Seconds, double Cpu)> PlaceAsync(HttpClient http, IEnumerable<Dictionary<string, string>[]> batches)
    {
        int created = 0, unchanged = 0, rejected = 0;
        var cpu = CpuSeconds();
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            var response = await http.PostAsJsonAsync("/api/creditor/v1/accounts", batch);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"placement answered {(int)response.StatusCode}: {text}");
            }

            var body = JsonDocument.Parse(text).RootElement;
            created += body.GetProperty("created").GetInt32();
            unchanged += body.GetProperty("unchanged").GetInt32();
            rejected += body.GetProperty("rejected").GetInt32();
        }

        return (created, unchanged, rejected, watch.Elapsed.TotalSeconds, CpuSeconds() - cpu);
    }

    private static async Task<(long Inserted, long Unchanged, long Rejected, double Seconds, double Cpu)> ImportAsync(string file, string csv)
    {
        var options = await new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file}" }.MigrateAsync();
        await using (var seed = DatabaseSetup.CreateContext(options))
        {
            seed.Creditors.Add(new Collections.Shared.Domain.Creditor { Code = Creditor, Name = Creditor, Country = "DE" });
            await seed.SaveChangesAsync();
        }

        var analysis = new ClaimAnalysis(new StrategyCatalog(StrategyLoader.LoadDirectory(Collections.Shared.Configuration.ConfigFolders.Resolve(StrategyLoader.DefaultDirectory))));
        var cpu = CpuSeconds();
        var watch = Stopwatch.StartNew();
        await using var db = DatabaseSetup.CreateContext(options);
        await using var stream = File.OpenRead(csv);
        var summary = await new AccountImporter(db, TimeProvider.System, NullLogger<AccountImporter>.Instance, analysis).ImportAsync(stream, "bench", _ => { });
        return (summary.Inserted, summary.Unchanged, summary.Rejected, watch.Elapsed.TotalSeconds, CpuSeconds() - cpu);
    }

    private static (string[] Header, List<CsvRecord> Records) Read(string csv)
    {
        using var reader = new CsvReader(new StreamReader(csv));
        var header = reader.Read()!.Fields;
        var records = new List<CsvRecord>();
        while (reader.Read() is { } record)
        {
            records.Add(record);
        }

        return (header, records);
    }

    private static Dictionary<string, string> Item(string[] header, CsvRecord record) =>
        header.Select((name, i) => (name, value: i < record.Fields.Length ? record.Fields[i] : ""))
            .Where(f => f.value.Length > 0).ToDictionary(f => f.name, f => f.value);

    private static string Quote(string field) => field.Contains(',', StringComparison.Ordinal) || field.Contains('"', StringComparison.Ordinal) ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;

    /// <summary>The console on Kestrel with the demo's creditors and nothing else running (no dialing, no demo process, no sweep).</summary>
    private sealed class Node : WebApplicationFactory<console::Program>
    {
        private readonly string _database;

        public Node(string database)
        {
            _database = database;
            Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COLLECTIONS_AGENTCONSOLE", Collections.Testing.RepositoryRoot.Combine("src", "AgentConsole"));
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            UseKestrel(o => o.Listen(IPAddress.Loopback, Port));
            StartServer();
        }

        private int Port { get; }

        public async Task<HttpClient> ClientAsync()
        {
            await using var scope = Services.CreateAsyncScope();
            var key = await scope.ServiceProvider.GetRequiredService<CreditorKeys>().CreateAsync(Creditor);
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}/"), Timeout = TimeSpan.FromMinutes(5) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key!.Key);
            return client;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Collections:Database:ConnectionString", $"Data Source={_database}");
            builder.UseSetting("Collections:Demo:Process", "false");
            builder.UseSetting("Collections:Demo:Calls:Enabled", "false");
            builder.UseSetting("Collections:Dialing:InProcess", "false");
            builder.UseSetting("Collections:Outreach:Dispatch:Enabled", "false");
            builder.UseSetting("Collections:Scheduling:Sweep:Enabled", "false");
            // Without the sweep, the resync at start gives every open demo case's next step a Quartz trigger of its own, and
            // those jobs then ran during the placements (measured: more CPU than the placements' own inserts, on two cores).
            builder.UseSetting("Collections:Scheduling:ResyncOnStart", "false");
            builder.UseSetting("Collections:CreditorApi:RequestsPerPeriod", "100000");
            builder.UseSetting("Collections:CreditorApi:Burst", "100000");
            builder.UseSetting("Dialer:Sip:Port", "0");
            builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        }
    }
}
