using System.Diagnostics;
using Collections.Benchmarks.Reports;
using Collections.Shared.Creditors;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Collections.Benchmarks.Creditors;

/// <summary>
/// The creditor portal's reads over one creditor with many accounts on SQLite (the report benchmark's rows): the account
/// list's first, middle and last page, a search by name, and the portfolio figures. Beside it, in the same run, the baseline:
/// the list the naive way, every account of the creditor with its debtor read into memory, then sorted and paged there.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- creditor-portal [accounts]</c> (default 100,000).</remarks>
public static class PortalBenchmark
{
    public static async Task RunAsync(int accounts)
    {
        var options = await TestDatabases.NewSqlite().MigrateAsync();
        try
        {
            var watch = Stopwatch.StartNew();
            await CreditorReportBenchmark.SeedAsync(options, accounts);
            Console.WriteLine($"seeded {accounts:N0} accounts in {watch.Elapsed.TotalSeconds:0.0} s; load average {CreditorReportBenchmark.LoadAverage()}");
            await using var db = DatabaseSetup.CreateContext(options);
            var creditor = await db.Creditors.SingleAsync(c => c.Code == "BENCH");
            var portfolio = new CreditorPortfolio(db, TimeProvider.System);
            IReadOnlyCollection<CreditorId> ids = [creditor.Id];
            const int size = 25;
            var last = (accounts - 1) / size;

            // Each read once to warm the connection and the page cache, then timed as the median of five.
            var cases = new (string Name, Func<Task<int>> Read)[]
            {
                ("list, first page", async () => (await portfolio.AccountsAsync(ids, null, 0, size)).Rows.Count),
                ("list, middle page", async () => (await portfolio.AccountsAsync(ids, null, last / 2, size)).Rows.Count),
                ("list, last page", async () => (await portfolio.AccountsAsync(ids, null, last, size)).Rows.Count),
                ("search by reference", async () => (await portfolio.AccountsAsync(ids, "B-0000123", 0, size)).Rows.Count),
                ("search by name", async () => (await portfolio.AccountsAsync(ids, "debtor 4242", 0, size)).Rows.Count),
                ("figures", async () => (await portfolio.FiguresAsync("BENCH"))!.Currencies.Single().PlacedCount),
                ("baseline: list in memory", async () =>
                {
                    var all = await (from a in db.Accounts.AsNoTracking() join d in db.Debtors.AsNoTracking() on a.DebtorId equals d.Id
                                     where a.CreditorId == creditor.Id select new { a.CreditorReference, d.LastName, a.Principal, a.Paid }).ToListAsync();
                    return all.OrderBy(a => a.CreditorReference, StringComparer.Ordinal).Skip(last / 2 * size).Take(size).Count();
                }),
            };
            Console.WriteLine($"load average before the reads: {CreditorReportBenchmark.LoadAverage()}");
            foreach (var (name, read) in cases)
            {
                var rows = await read();
                var times = new List<double>();
                for (var i = 0; i < 5; i++)
                {
                    watch.Restart();
                    await read();
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }

                Console.WriteLine($"{name}: {times.Order().ElementAt(2):0.0} ms (median of 5; {rows:N0} rows/accounts)");
            }

            Console.WriteLine($"load average after the reads: {CreditorReportBenchmark.LoadAverage()}");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(new SqliteConnectionStringBuilder(options.ConnectionString).DataSource);
        }
    }
}
