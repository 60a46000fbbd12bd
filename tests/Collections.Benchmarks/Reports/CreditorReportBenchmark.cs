using System.Diagnostics;
using Collections.Dialer.Outreach.Reports;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Persistence.Bulk;
using Collections.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Benchmarks.Reports;

/// <summary>
/// The creditor report (<c>report creditor</c>: figures, charts, accounts.csv, remittance.csv) over one creditor with many
/// accounts, on SQLite and on PostgreSQL. The rows are bulk-inserted: per account a debtor, a case, every other account a
/// contact attempt, every third a payment in the period and every fifth one before it, every tenth a promise. Beside it, in
/// the same run, the baseline: the naive per-account EF computation (for each account: its payments, promises, last contact
/// and case by queries of its own, as a page showing one account does), timed on a sample and extrapolated to all accounts.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- creditor-report [accounts] [baselineSample] [sqlite|postgres|both]</c>
/// (defaults 1,000,000 accounts, 2,000 sampled, both).</remarks>
public static class CreditorReportBenchmark
{
    private static readonly LocalDate From = new(2026, 11, 1);
    private static readonly LocalDate To = new(2026, 11, 30);

    public static async Task RunAsync(int accounts, int baselineSample, string providers)
    {
        Console.WriteLine($"load average at start: {LoadAverage()}");
        if (providers is "sqlite" or "both")
        {
            var sqlite = await TestDatabases.NewSqlite().MigrateAsync();
            await MeasureAsync("SQLite", sqlite, accounts, baselineSample);
            SqliteConnection.ClearAllPools();
            File.Delete(new SqliteConnectionStringBuilder(sqlite.ConnectionString).DataSource);
        }

        if (providers is "postgres" or "both")
        {
            await using var server = await PostgresServer.StartAsync();
            await MeasureAsync("PostgreSQL", await (await TestDatabases.NewPostgresAsync(server)).MigrateAsync(), accounts, baselineSample);
        }
    }

    private static async Task MeasureAsync(string name, DatabaseOptions options, int accounts, int baselineSample)
    {
        var watch = Stopwatch.StartNew();
        await SeedAsync(options, accounts);
        Console.WriteLine($"{name}: seeded {accounts:N0} accounts in {watch.Elapsed.TotalSeconds:0.0} s; load average {LoadAverage()}");

        var baseline = await BaselineAsync(options, baselineSample);
        var perAccount = baseline.TotalSeconds / baselineSample;
        Console.WriteLine($"{name}: baseline (EF per account) {baselineSample:N0} accounts in {baseline.TotalSeconds:0.00} s = {perAccount * 1000:0.000} ms per account; extrapolated to {accounts:N0}: {perAccount * accounts:0} s");

        var folder = Directory.CreateTempSubdirectory("creditor-report-bench").FullName;
        Console.WriteLine($"{name}: load average before the report: {LoadAverage()}");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        watch.Restart();
        await using (var db = DatabaseSetup.CreateContext(options))
        {
            var report = await CreditorReportFiles.WriteAsync(db, new CreditorReportRenderer(), "Benchmark Agency", "BENCH", From, To, folder, CancellationToken.None)
                ?? throw new InvalidOperationException("the benchmark creditor is missing");
            var seconds = watch.Elapsed.TotalSeconds;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            var f = report.Currencies.Single();
            Console.WriteLine($"{name}: report over {f.PlacedCount:N0} accounts in {seconds:0.0} s, {cpuSeconds:0.0} CPU seconds of this process (goal <= 30 s); collected {f.Collected:N2} {f.Currency}, commission {f.Commission:N2}, "
                + $"accounts.csv {new FileInfo(Path.Combine(folder, "accounts.csv")).Length / 1048576.0:0} MiB, remittance.csv {new FileInfo(Path.Combine(folder, "remittance.csv")).Length / 1048576.0:0} MiB; "
                + $"{perAccount * accounts / seconds:0}x faster than the baseline; load average {LoadAverage()}");
        }

        Directory.Delete(folder, recursive: true);
    }

    /// <summary>What the report needs per account, the naive way: one account at a time, each piece by a query of its own.</summary>
    private static async Task<TimeSpan> BaselineAsync(DatabaseOptions options, int sample)
    {
        await using var db = DatabaseSetup.CreateContext(options);
        var creditor = await db.Creditors.SingleAsync(c => c.Code == "BENCH");
        var ids = await db.Accounts.Where(a => a.CreditorId == creditor.Id).OrderBy(a => a.CreditorReference).Select(a => a.Id).Take(sample).ToListAsync();
        var watch = Stopwatch.StartNew();
        var collected = 0m;
        foreach (var id in ids)
        {
            var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == id);
            var payments = await db.Payments.AsNoTracking().Where(p => p.AccountId == id && p.ReceivedOn <= To).ToListAsync();
            collected += payments.Where(p => p.ReceivedOn >= From).Sum(p => p.Amount) + account.Paid * 0;
            _ = await db.Promises.AsNoTracking().Where(p => p.AccountId == id).ToListAsync();
            _ = await db.InstalmentPlans.AsNoTracking().Where(p => p.AccountId == id && p.Status == InstalmentPlanStatus.Active).ToListAsync();
            _ = await db.ContactAttempts.AsNoTracking().Where(c => c.AccountId == id).OrderByDescending(c => c.StartedAt).FirstOrDefaultAsync();
            _ = await db.Cases.AsNoTracking().Where(c => c.AccountId == id).OrderByDescending(c => c.OpenedAt).FirstOrDefaultAsync();
        }

        return watch.Elapsed;
    }

    internal static async Task SeedAsync(DatabaseOptions options, int count)
    {
        await using var db = DatabaseSetup.CreateContext(options);
        var placed = Instant.FromUtc(2026, 6, 1, 8, 0);
        var creditor = new Creditor { Code = "BENCH", Name = "Benchmark Creditor", Country = "DE", Terms = { CommissionPercent = 15m } };
        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "bench", CreatedAt = placed };
        db.Creditors.Add(creditor);
        db.Portfolios.Add(portfolio);
        await db.SaveChangesAsync();

        const int Batch = 20_000;
        for (var start = 0; start < count; start += Batch)
        {
            var debtors = new List<Debtor>();
            var accounts = new List<Account>();
            var cases = new List<Case>();
            var payments = new List<Payment>();
            var promises = new List<PromiseToPay>();
            var contacts = new List<ContactAttempt>();
            for (var i = start; i < Math.Min(count, start + Batch); i++)
            {
                // Placed over six months, so the liquidation curve has six cohorts.
                var created = placed.Plus(Duration.FromDays(i % 180));
                var debtor = new Debtor { Kind = DebtorKind.Consumer, LastName = "Debtor " + i, PreferredLanguage = "de" };
                var account = new Account
                {
                    CreditorId = creditor.Id, PortfolioId = portfolio.Id, DebtorId = debtor.Id, CreditorReference = $"B-{i:D8}", Currency = "EUR",
                    Principal = 100 + i % 900, Interest = i % 7, Fees = 5, DueDate = new LocalDate(2026, 5, 1), CreatedAt = created, UpdatedAt = created,
                };
                debtors.Add(debtor);
                accounts.Add(account);
                cases.Add(new Case { AccountId = account.Id, Phase = (CasePhase)(i % 10), OpenedAt = created });
                if (i % 3 == 0)
                {
                    payments.Add(new Payment { AccountId = account.Id, Amount = 10 + i % 97 + 0.33m, Currency = "EUR", ReceivedOn = From.PlusDays(i % 30), Reference = account.CreditorReference, Method = PaymentMethod.BankTransfer, RecordedAt = created });
                }

                if (i % 5 == 0)
                {
                    payments.Add(new Payment { AccountId = account.Id, Amount = 25, Currency = "EUR", ReceivedOn = created.InUtc().Date.PlusDays(20), Reference = account.CreditorReference, Method = PaymentMethod.DirectDebit, RecordedAt = created });
                }

                if (i % 10 == 0)
                {
                    promises.Add(new PromiseToPay { AccountId = account.Id, Amount = 50, Currency = "EUR", DueDate = From.PlusDays(i % 40), Status = i % 20 == 0 ? PromiseStatus.Kept : PromiseStatus.Pending, CreatedAt = Instant.FromUtc(2026, 10, 20, 10, 0) });
                }

                if (i % 2 == 0)
                {
                    contacts.Add(new ContactAttempt { AccountId = account.Id, DebtorId = debtor.Id, Channel = ContactChannel.Call, Address = "+4915100000000", StartedAt = created.Plus(Duration.FromDays(3)), Outcome = ContactOutcome.Answered });
                }
            }

            await using var transaction = await db.Database.BeginTransactionAsync();
            using (var insert = new BulkInserter<Debtor>(db)) { await insert.InsertAsync(debtors, CancellationToken.None); }
            using (var insert = new BulkInserter<Account>(db)) { await insert.InsertAsync(accounts, CancellationToken.None); }
            using (var insert = new BulkInserter<Case>(db)) { await insert.InsertAsync(cases, CancellationToken.None); }
            using (var insert = new BulkInserter<Payment>(db)) { await insert.InsertAsync(payments, CancellationToken.None); }
            using (var insert = new BulkInserter<PromiseToPay>(db)) { await insert.InsertAsync(promises, CancellationToken.None); }
            using (var insert = new BulkInserter<ContactAttempt>(db)) { await insert.InsertAsync(contacts, CancellationToken.None); }
            await transaction.CommitAsync();
        }

        if (options.Provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
}
