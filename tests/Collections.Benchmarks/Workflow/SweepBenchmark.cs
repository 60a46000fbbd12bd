using System.Diagnostics;
using System.Globalization;
using Collections.Benchmarks.Import;
using Collections.Shared.Domain;
using Collections.Shared.Import;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Strategies;
using Collections.Shared.Workflow.Sweep;
using Collections.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Benchmarks.Workflow;

/// <summary>
/// The nightly evaluation of due case steps over a large portfolio on SQLite: a generated portfolio is imported with the
/// real importer and claim analysis (every claim is past due, so every case's first remaining step is due at once: the
/// worst night), then the due-work sweep runs every due step in one go. Beside it, two baselines measured in the same run
/// on a copy of the same file, each on its own sample of due steps in due order, extrapolated to all due steps:
/// <list type="bullet">
/// <item>per trigger: <see cref="WorkflowRunner.RunAsync"/> per step, what one Quartz trigger per step runs (own context,
/// own state load, own transaction; the same rule code and writer as the sweep);</item>
/// <item>EF per step: <see cref="CaseWorkflow.ExecuteStepAsync"/> in a fresh context per step with EF Core change tracking
/// and <c>SaveChanges</c>, the path the workflow took before the sweep.</item>
/// </list>
/// and the sweep with the entity path only (<see cref="DueWorkSweep.UseSetBasedPath"/> off, the sweep before the set-based
/// path) over the next 20 x sample due accounts. Then one more sweep a day later, the steady state. The sweeps also report
/// the process's CPU time, which others' load on a shared machine moves far less than wall time.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- sweep [rows] [baselineSample]</c>
/// (defaults 1,170,000 rows, of which about 86 % are accepted: a million cases; 2,000 steps per baseline).</remarks>
public static class SweepBenchmark
{
    public static async Task RunAsync(int rows, int baselineSample)
    {
        var folder = Directory.CreateTempSubdirectory("collections-sweep-bench").FullName;
        try
        {
            Console.WriteLine($"load average at start: {LoadAverage()}");
            var csv = Path.Combine(folder, "accounts.csv");
            PortfolioGenerator.Write(csv, rows);
            var options = await new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "sweep.db")}" }.MigrateAsync();
            var catalog = new StrategyCatalog(StrategyLoader.LoadDirectory(RepositoryRoot.Combine("config", "strategies")));
            var watch = Stopwatch.StartNew();
            await using (var db = DatabaseSetup.CreateContext(options))
            {
                await using var stream = File.OpenRead(csv);
                var summary = await new AccountImporter(db, TimeProvider.System, NullLogger<AccountImporter>.Instance, new ClaimAnalysis(catalog)).ImportAsync(stream, "bench", _ => { });
                Console.WriteLine($"imported {summary.Inserted:N0} accounts (cases opened with their strategy) in {watch.Elapsed.TotalSeconds:0.0} s");
            }

            SqliteConnection.ClearAllPools();
            if (Environment.GetEnvironmentVariable("COLLECTIONS_BENCH_KEEP_DB") is { Length: > 0 } keep)
            {
                // For sweep-only runs: the imported portfolio, kept so that a change to the sweep can be measured without importing again.
                File.Copy(Path.Combine(folder, "sweep.db"), keep, overwrite: true);
                Console.WriteLine($"imported database kept as {keep}");
            }

            var baselineOptions = new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "baseline.db")}" };
            File.Copy(Path.Combine(folder, "sweep.db"), Path.Combine(folder, "baseline.db"));

            // The first night after the import: a minute later, every case's next step is due.
            var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddMinutes(1));
            var cases = await CountAsync(options, Instant.FromDateTimeOffset(clock.GetUtcNow()));
            Console.WriteLine($"{cases.Open:N0} open cases, {cases.Due:N0} with a step due; database {new FileInfo(Path.Combine(folder, "sweep.db")).Length / 1024.0 / 1024.0:N0} MiB");

            SettleDisk();
            var perTrigger = await BaselineAsync(baselineOptions, catalog, clock, skip: 0, baselineSample, efPerStep: false);
            var efPerStep = await BaselineAsync(baselineOptions, catalog, clock, skip: baselineSample, baselineSample, efPerStep: true);

            // The sweep as it was before the set-based path (entity path only), on the next due accounts of the copy.
            var entitySweep = new DueWorkSweep(DatabaseSetup.CreateFactory(baselineOptions), Runner(baselineOptions, catalog, clock), clock, NullLogger<DueWorkSweep>.Instance) { UseSetBasedPath = false };
            var entityCpu = Cpu();
            watch.Restart();
            var entity = await entitySweep.RunAsync(DueWorkSweep.DefaultBatchSize, maxAccounts: 20 * baselineSample);
            var entitySeconds = watch.Elapsed.TotalSeconds;
            entityCpu = Cpu() - entityCpu;
            Console.WriteLine($"entity-path sweep sample outcomes: {Outcomes(entity)}");
            Console.WriteLine($"entity-path sweep sample phases: {Phases(entity)}; CPU {entityCpu:0.0} s");
            SqliteConnection.ClearAllPools();
            File.Delete(Path.Combine(folder, "baseline.db"));

            var sweep = new DueWorkSweep(DatabaseSetup.CreateFactory(options), Runner(options, catalog, clock), clock, NullLogger<DueWorkSweep>.Instance);
            SettleDisk();
            Console.WriteLine($"load average before the sweep: {LoadAverage()}");
            var cpu = Cpu();
            var written = BytesWritten();
            watch.Restart();
            var night = await sweep.RunAsync();
            var seconds = watch.Elapsed.TotalSeconds;
            cpu = Cpu() - cpu;
            Console.WriteLine($"load average after the sweep: {LoadAverage()}");
            Console.WriteLine($"sweep outcomes: {Outcomes(night)}; {night.SetBased:N0} items on the set-based path");
            Console.WriteLine($"sweep phases: {Phases(night)}; CPU {cpu:0.0} s{Written(written)}");

            clock.Advance(TimeSpan.FromDays(1));
            var nextDue = (await CountAsync(options, Instant.FromDateTimeOffset(clock.GetUtcNow()))).Due;
            watch.Restart();
            var next = await sweep.RunAsync();
            var nextSeconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine($"next night outcomes: {Outcomes(next)}");
            Console.WriteLine($"next night phases: {Phases(next)}");

            Console.WriteLine();
            Console.WriteLine("| run | due steps | steps run | seconds | steps/s | CPU seconds (process) |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            Console.WriteLine($"| sweep, first night ({cases.Open:N0} open cases) | {cases.Due:N0} | {Steps(night):N0} | {seconds:0.0} | {Steps(night) / seconds:N0} | {cpu:0.0} |");
            Console.WriteLine($"| sweep, the night after | {nextDue:N0} | {Steps(next):N0} | {nextSeconds:0.0} | {Steps(next) / nextSeconds:N0} | |");
            Console.WriteLine($"| baseline sweep, entity path only (before the set-based path), sample | {Steps(entity):N0} | {Steps(entity):N0} | {entitySeconds:0.0} | {Steps(entity) / entitySeconds:N0} | {entityCpu:0.0} |");
            Console.WriteLine($"| baseline sweep, entity path only, extrapolated to the first night | {cases.Due:N0} | | {entitySeconds / Steps(entity) * cases.Due:N0} (est.) | | {entityCpu / Steps(entity) * cases.Due:N0} (est.) |");
            foreach (var (name, run) in (ReadOnlySpan<(string, (int Steps, double Seconds))>)[("per trigger (WorkflowRunner.RunAsync per step)", perTrigger), ("EF per step (ExecuteStepAsync + SaveChanges)", efPerStep)])
            {
                Console.WriteLine($"| baseline {name}, sample | {run.Steps:N0} | {run.Steps:N0} | {run.Seconds:0.0} | {run.Steps / run.Seconds:N0} | |");
                Console.WriteLine($"| baseline {name}, extrapolated to the first night | {cases.Due:N0} | | {run.Seconds / run.Steps * cases.Due:N0} (est.) | | |");
            }

            Console.WriteLine();
            Console.WriteLine($"load average at end: {LoadAverage()}");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The first night's sweep alone, on a copy of a portfolio imported by an earlier <c>sweep</c> run with
    /// <c>COLLECTIONS_BENCH_KEEP_DB</c> set: for measuring a change to the sweep without importing again (no baselines).</summary>
    /// <remarks>Run: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- sweep-only &lt;kept.db&gt; [accounts]</c>.</remarks>
    public static async Task RunOnlyAsync(string prepared, int maxAccounts, int batchSize)
    {
        var folder = Directory.CreateTempSubdirectory("collections-sweep-only").FullName;
        try
        {
            var file = Path.Combine(folder, "sweep.db");
            File.Copy(prepared, file);
            // Brought up to the current schema, in case the kept file is older than the code.
            var options = await new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file}" }.MigrateAsync();
            var catalog = new StrategyCatalog(StrategyLoader.LoadDirectory(RepositoryRoot.Combine("config", "strategies")));
            Instant imported;
            await using (var db = DatabaseSetup.CreateContext(options))
            {
                imported = await db.Accounts.MaxAsync(a => a.CreatedAt);
            }

            // As in "sweep": the first night, a minute after the import.
            var clock = new FakeTimeProvider(imported.ToDateTimeOffset().AddMinutes(1));
            var sweep = new DueWorkSweep(DatabaseSetup.CreateFactory(options), Runner(options, catalog, clock), clock, NullLogger<DueWorkSweep>.Instance);
            SettleDisk();
            Console.WriteLine($"load average before the sweep: {LoadAverage()}");
            var cpu = Cpu();
            var written = BytesWritten();
            var watch = Stopwatch.StartNew();
            var night = await sweep.RunAsync(batchSize, maxAccounts);
            var seconds = watch.Elapsed.TotalSeconds;
            cpu = Cpu() - cpu;
            Console.WriteLine($"load average after the sweep: {LoadAverage()}");
            Console.WriteLine($"sweep outcomes: {Outcomes(night)}; {night.SetBased:N0} items on the set-based path");
            Console.WriteLine($"sweep: {Steps(night):N0} steps in {seconds:0.0} s ({Steps(night) / seconds:N0}/s); phases: {Phases(night)}; CPU {cpu:0.0} s{Written(written)}");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A per-item path on the copy: <paramref name="sample"/> due steps after the first <paramref name="skip"/>, in
    /// due order, one at a time.</summary>
    private static async Task<(int Steps, double Seconds)> BaselineAsync(DatabaseOptions options, StrategyCatalog catalog, FakeTimeProvider clock, int skip, int sample, bool efPerStep)
    {
        var now = Instant.FromDateTimeOffset(clock.GetUtcNow());
        List<(CaseId Case, string Step, Instant Due)> steps;
        await using (var db = DatabaseSetup.CreateContext(options))
        {
            steps = [.. (await db.Cases.AsNoTracking().Where(c => c.ClosedAt == null && c.NextStep != null && c.NextStepDueAt <= now)
                    .OrderBy(c => c.NextStepDueAt).ThenBy(c => c.Id).Skip(skip).Take(sample).Select(c => new { c.Id, c.NextStep, c.NextStepDueAt }).ToListAsync())
                .Select(c => (c.Id, c.NextStep!, c.NextStepDueAt!.Value))];
        }

        var runner = Runner(options, catalog, clock);
        var watch = Stopwatch.StartNew();
        foreach (var (caseId, step, due) in steps)
        {
            if (efPerStep)
            {
                await using var db = DatabaseSetup.CreateContext(options);
                await runner.For(db).Cases.ExecuteStepAsync(caseId, step);
            }
            else
            {
                await runner.RunAsync(WorkItem.ForStep(caseId, step, due));
            }
        }

        return (steps.Count, watch.Elapsed.TotalSeconds);
    }

    private static WorkflowRunner Runner(DatabaseOptions options, StrategyCatalog catalog, TimeProvider clock) =>
        new(DatabaseSetup.CreateFactory(options), catalog, Options.Create(new WorkflowOptions()), clock, NullLoggerFactory.Instance);

    private static async Task<(int Open, int Due)> CountAsync(DatabaseOptions options, Instant now)
    {
        await using var db = DatabaseSetup.CreateContext(options);
        return (await db.Cases.CountAsync(c => c.ClosedAt == null), await db.Cases.CountAsync(c => c.ClosedAt == null && c.NextStep != null && c.NextStepDueAt <= now));
    }

    private static int Steps(SweepReport report) => report.Count(WorkKind.CaseStep, "done") + report.Count(WorkKind.CaseStep, "skipped");

    private static string Outcomes(SweepReport report) =>
        string.Join(", ", report.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key} {o.Value:N0}")));

    private static string Phases(SweepReport report) =>
        string.Create(CultureInfo.InvariantCulture, $"load {report.Phases.Load.TotalSeconds:0.0} s, rules {report.Phases.Rules.TotalSeconds:0.0} s, write {report.Phases.Write.TotalSeconds:0.0} s (load and rules of a batch overlap the previous batch's write), selection {report.Selection.TotalSeconds:0.0} s");

    // CPU time of this process (all threads): on a shared machine it moves far less with others' load than wall time does.
    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    /// <summary>
    /// Writes the page cache to disk before a measured run: the import and the copies of a 5 GB database before it leave gigabytes
    /// of dirty pages that the kernel would otherwise write back during the sweep, which a night's sweep does not have to share
    /// the disk with. Prints how long it took (not part of any figure).
    /// </summary>
    private static void SettleDisk()
    {
        var watch = Stopwatch.StartNew();
        using (var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false }))
        {
            sync?.WaitForExit();
        }

        Console.WriteLine($"page cache written to disk before the measured run in {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Bytes this process has written through write() so far (Linux: /proc/self/io wchar), for the sweep's write
    /// volume (the WAL and its checkpoints into the database file); null elsewhere.</summary>
    private static long? BytesWritten()
    {
        const string io = "/proc/self/io";
        if (!File.Exists(io))
        {
            return null;
        }

        var line = File.ReadLines(io).FirstOrDefault(l => l.StartsWith("wchar:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line["wchar:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    private static string Written(long? before) =>
        before is { } b && BytesWritten() is { } after ? string.Create(CultureInfo.InvariantCulture, $"; {(after - b) / 1048576.0:N0} MiB written") : "";
}
