using System.Diagnostics;
using System.Globalization;
using System.Text;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Tests.EndToEnd;

/// <summary>
/// Issue 19, item 1, for an import: <c>import accounts</c> of a 20,000-row portfolio is killed with SIGKILL at random moments,
/// three times, then run to the end. Whatever a kill interrupted left nothing half-written (every account has its debtor's
/// row, its case with a strategy and its steps), and the final run places every row exactly once: no reference twice, no
/// case twice, the totals the file's.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ImportKillTests : IAsyncDisposable
{
    private const int Rows = 20_000;
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
        var (code, _, error) = await RunAsync(database, ["migrate"], killAfter: null);
        Assert.True(code == 0, $"migrate exit {code}: {error}");

        var interrupted = 0;
        var committed = new List<int>();
        for (var kill = 1; kill <= 3; kill++)
        {
            // Somewhere in the import: it takes a few seconds, most of it in batches of 5,000 rows.
            var (exit, _, _) = await RunAsync(database, ["import", "accounts", "--no-progress", file], TimeSpan.FromMilliseconds(random.Next(1_500, 9_000)));
            interrupted += exit is null ? 1 : 0;
            await CheckNothingHalfAsync(database, $"after kill {kill} (seed {seed})");
            await using var count = DatabaseSetup.CreateContext(database);
            committed.Add(exit is null ? await count.Accounts.CountAsync(Ct) : -1);
        }

        var (final, stdout, stderr) = await RunAsync(database, ["import", "accounts", "--no-progress", file], killAfter: null);
        Assert.True(final == 0, $"the import run to the end exited {final}: {stderr}\n{stdout}");
        await CheckNothingHalfAsync(database, $"at the end (seed {seed})");
        await using var db = DatabaseSetup.CreateContext(database);
        var references = await db.Accounts.AsNoTracking().Select(a => a.CreditorReference).ToListAsync(Ct);
        Assert.Equal(Rows, references.Count);
        Assert.Equal(Rows, references.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Rows, await db.Cases.CountAsync(Ct));
        Assert.Equal(Rows, await db.Debtors.CountAsync(Ct));
        Assert.True(interrupted > 0, $"no run was interrupted (seed {seed}): the kills came after the import had finished");
        var summary = $"import kill seed {seed}: {interrupted} of 3 runs killed mid-import, accounts committed at each kill: {string.Join(", ", committed.Select(c => c < 0 ? "finished" : c.ToString(CultureInfo.InvariantCulture)))}";
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts"));
        File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "artifacts", "chaos.txt"), $"{DateTimeOffset.UtcNow:O} {summary}\n");
    }

    /// <summary>Whatever is there is whole: each account with its debtor, its case with a strategy, and the case's steps.</summary>
    private static async Task CheckNothingHalfAsync(DatabaseOptions database, string when)
    {
        await using var db = DatabaseSetup.CreateContext(database);
        var accounts = await db.Accounts.CountAsync(Ct);
        var orphans = await db.Accounts.CountAsync(a => !db.Debtors.Any(d => d.Id == a.DebtorId), Ct);
        var withoutCase = await db.Accounts.CountAsync(a => !db.Cases.Any(c => c.AccountId == a.Id && c.StrategyId != null), Ct);
        var withoutSteps = await db.Cases.CountAsync(c => !db.CaseSteps.Any(s => s.CaseId == c.Id), Ct);
        var twice = await db.Accounts.GroupBy(a => a.CreditorReference).CountAsync(g => g.Count() > 1, Ct);
        Assert.True((orphans, withoutCase, withoutSteps, twice) == (0, 0, 0, 0),
            $"{when}: of {accounts} accounts, {orphans} without a debtor, {withoutCase} without a planned case, {withoutSteps} cases without steps, {twice} references twice");
        Assert.True(accounts % 5_000 == 0 || accounts == Rows, $"{when}: {accounts} accounts is not a whole number of committed batches");
    }

    /// <summary>Runs the ops CLI; with <paramref name="killAfter"/>, SIGKILLs it then unless it has exited (exit code null).</summary>
    private async Task<(int? Exit, string Stdout, string Stderr)> RunAsync(DatabaseOptions database, string[] args, TimeSpan? killAfter)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ConsoleProcess.CliDll);
        args.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["Collections__Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Collections__Workflow__StrategiesDirectory"] = RepositoryRoot.Combine("config", "strategies");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        if (killAfter is { } after && !await ExitedWithinAsync(process, after))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
            return (null, await stdout, await stderr);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
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

    /// <summary>20,000 consumer accounts of the sample's creditor, each with a German mobile number and one invoice.</summary>
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

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
