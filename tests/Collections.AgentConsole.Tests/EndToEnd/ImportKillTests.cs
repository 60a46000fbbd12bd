using System.Diagnostics;
using System.Globalization;
using System.Text;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Tests.EndToEnd;

/// <summary>
/// Issue 19, item 1, for an import: <c>import accounts</c> of a 12,000-row portfolio is killed with SIGKILL at random moments,
/// three times, then run to the end. Whatever a kill interrupted left nothing half-written (every account has its debtor's
/// row, its case with a strategy and its steps), and the final run places every row exactly once: no reference twice, no
/// case twice, the totals the file's.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ImportKillTests : IAsyncDisposable
{
    // Three batches (5,000, 5,000 and 2,000 rows): small enough to finish quickly on a loaded machine, large enough to be killed between them.
    private const int Rows = 12_000;
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"collections-import-kill-{Guid.NewGuid():N}");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_import_killed_at_random_moments_and_run_again_places_every_row_once_and_nothing_half()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        Directory.CreateDirectory(_root);
        var database = new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_root, "c.db")}" };
        var file = Path.Combine(_root, "portfolio.csv");
        await File.WriteAllTextAsync(file, Portfolio(), Encoding.UTF8, Ct);
        var (code, _, error) = await RunAsync(database, ["migrate"], killWhen: null);
        Assert.True(code == 0, $"migrate exit {code}: {error}");

        var interrupted = 0;
        var counts = new List<int>();
        for (var kill = 1; kill <= 3; kill++)
        {
            // A random moment of the import, chosen by its progress rather than the clock (which would depend on the machine's
            // speed): while it starts and reads, or just after its first or second batch of 5,000 rows is committed.
            var committed = new[] { 0, 5_000, 10_000 }[random.Next(3)];
            var startedAt = Stopwatch.StartNew();
            var early = TimeSpan.FromMilliseconds(random.Next(300, 1_500));
            var (exit, _, _) = await RunAsync(database, ["import", "accounts", "--no-progress", file],
                async () => committed == 0 ? startedAt.Elapsed >= early : await CountAsync(database) >= committed);
            interrupted += exit is null ? 1 : 0;
            await CheckNothingHalfAsync(database, $"after kill {kill} (seed {seed})");
            counts.Add(exit is null ? await CountAsync(database) : -1);
        }

        var (final, stdout, stderr) = await RunAsync(database, ["import", "accounts", "--no-progress", file], killWhen: null);
        Assert.True(final == 0, $"the import run to the end exited {final}: {stderr}\n{stdout}");
        await CheckNothingHalfAsync(database, $"at the end (seed {seed})");
        await using var db = DatabaseSetup.CreateContext(database);
        var references = await db.Accounts.AsNoTracking().Select(a => a.CreditorReference).ToListAsync(Ct);
        Assert.Equal(Rows, references.Count);
        Assert.Equal(Rows, references.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Rows, await db.Cases.CountAsync(Ct));
        Assert.Equal(Rows, await db.Debtors.CountAsync(Ct));
        Assert.True(interrupted > 0, $"no run was interrupted (seed {seed}): the kills came after the import had finished");
        var summary = $"import kill seed {seed}: {interrupted} of 3 runs killed mid-import, accounts committed at each kill: {string.Join(", ", counts.Select(c => c < 0 ? "finished" : c.ToString(CultureInfo.InvariantCulture)))}";
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts"));
        File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "artifacts", "chaos.txt"), $"{DateTimeOffset.UtcNow:O} {summary}\n");
    }

    /// <summary>Whatever is there is whole: each account with its debtor, its case with a strategy, and the case's steps.</summary>
    private static async Task CheckNothingHalfAsync(DatabaseOptions database, string when)
    {
        await using var db = DatabaseSetup.CreateContext(database);
        var accounts = await db.Accounts.CountAsync(Ct);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var orphans = await db.Accounts.CountAsync(a => !db.Debtors.Any(d => d.Id == a.DebtorId), Ct);
        var withoutCase = await db.Accounts.CountAsync(a => !db.Cases.Any(c => c.AccountId == a.Id && c.StrategyId != null), Ct);
        var withoutSteps = await db.Cases.CountAsync(c => !db.CaseSteps.Any(s => s.CaseId == c.Id), Ct);
        var twice = await db.Accounts.GroupBy(a => a.CreditorReference).CountAsync(g => g.Count() > 1, Ct);
        Assert.True((orphans, withoutCase, withoutSteps, twice) == (0, 0, 0, 0),
            $"{when}: of {accounts} accounts, {orphans} without a debtor, {withoutCase} without a planned case, {withoutSteps} cases without steps, {twice} references twice");
        Assert.True(accounts % 5_000 == 0 || accounts == Rows, $"{when}: {accounts} accounts is not a whole number of committed batches");
    }

    private static async Task<int> CountAsync(DatabaseOptions database)
    {
        int count;
        await using (var db = DatabaseSetup.CreateContext(database))
        {
            count = await db.Accounts.CountAsync(Ct);
        }

        // No pooled connection of the test's stays open on the file while the import runs.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return count;
    }

    /// <summary>Runs the ops CLI; with <paramref name="killWhen"/>, SIGKILLs it once that holds, unless it has exited first (exit code null).</summary>
    private async Task<(int? Exit, string Stdout, string Stderr)> RunAsync(DatabaseOptions database, string[] args, Func<Task<bool>>? killWhen)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _root, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ConsoleProcess.CliDll);
        args.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["Collections__Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Collections__Workflow__StrategiesDirectory"] = RepositoryRoot.Combine("config", "strategies");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        if (killWhen is not null)
        {
            while (!process.HasExited)
            {
                if (await killWhen())
                {
                    try
                    {
                        process.Kill(entireProcessTree: true);
                    }
                    catch (InvalidOperationException)
                    {
                        // It exited between the check and the kill.
                    }

                    await process.WaitForExitAsync(Ct);
                    return (process.ExitCode == 0 ? 0 : null, await stdout, await stderr);
                }

                await Task.Delay(50, Ct);
            }
        }

        // A guard against a hang, not a speed limit.
        if (!await ExitedWithinAsync(process, TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
            Assert.Fail($"{string.Join(' ', args)} did not end within 10 minutes; stdout: {await stdout}\nstderr: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<bool> ExitedWithinAsync(Process process, TimeSpan after)
    {
        try
        {
            await process.WaitForExitAsync(Ct).WaitAsync(after, Ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>12,000 consumer accounts of the sample's creditor, each with a German mobile number and one invoice.</summary>
    private static string Portfolio()
    {
        var csv = new StringBuilder("creditor,account_ref,debtor_type,first_name,last_name,company_name,language,email,phone,phone_consent,phone2,street,postal_code,city,country,industry,origin,currency,principal,interest,fees,due_date,invoices\n");
        for (var i = 0; i < Rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"TELCO-DE,KILL-{i:000000},consumer,Kunde,Nummer {i},,de,k{i}@example.de,+49 151 2{i:0000000},yes,,Hauptstraße {1 + i % 200},10115,Berlin,DE,telecom,mobile,EUR,{100 + i % 900}.50,0,5.00,2026-08-15,R-{i}|2026-07-15|2026-08-15|{100 + i % 900}.50\n");
        }

        return csv.ToString();
    }

    public ValueTask DisposeAsync() => ConsoleProcess.DeleteFolderAsync(_root);
}
