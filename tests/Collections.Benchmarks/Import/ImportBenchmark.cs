using System.Diagnostics;
using Collections.Shared.Domain;
using Collections.Shared.Import;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Collections.Benchmarks.Import;

/// <summary>Loads a generated portfolio into a fresh SQLite file with the real importer, then again (nothing may
/// change), and side by side the baseline: the same rows through EF Core change tracking and SaveChanges.</summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- import [rows] [baselineRows]</c>.
/// The baseline runs on fewer rows (it is an order of magnitude slower); rows per second compare the two.</remarks>
public static class ImportBenchmark
{
    public static async Task RunAsync(int rows, int baselineRows)
    {
        var folder = Directory.CreateTempSubdirectory("collections-import-bench").FullName;
        try
        {
            var csv = Path.Combine(folder, "accounts.csv");
            PortfolioGenerator.Write(csv, rows);
            Console.WriteLine($"generated {rows:N0} rows, {new FileInfo(csv).Length / 1024.0 / 1024.0:0.0} MiB");

            var options = await new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "bench.db")}" }.MigrateAsync();
            var first = await ImportAsync(options, csv);
            var again = await ImportAsync(options, csv);

            var baselineCsv = Path.Combine(folder, "baseline.csv");
            PortfolioGenerator.Write(baselineCsv, baselineRows);
            var baselineOptions = await new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "baseline.db")}" }.MigrateAsync();
            var baseline = await BaselineAsync(baselineOptions, baselineCsv);

            Console.WriteLine();
            Console.WriteLine("| run | rows | inserted | unchanged | rejected | seconds | rows/s |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            Row("importer, empty database", first.Summary, first.Seconds);
            Row("importer, same file again", again.Summary, again.Seconds);
            Console.WriteLine($"| baseline: EF Core SaveChanges per 5000 rows | {baselineRows:N0} | {baseline.Inserted:N0} | 0 | {baseline.Rejected:N0} | {baseline.Seconds:0.0} | {baselineRows / baseline.Seconds:N0} |");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Row(string name, ImportSummary s, double seconds) =>
        Console.WriteLine($"| {name} | {s.Rows:N0} | {s.Inserted:N0} | {s.Unchanged:N0} | {s.Rejected:N0} | {seconds:0.0} | {s.Rows / seconds:N0} |");

    private static async Task<(ImportSummary Summary, double Seconds)> ImportAsync(DatabaseOptions options, string csv)
    {
        var watch = Stopwatch.StartNew();
        await using var db = DatabaseSetup.CreateContext(options);
        await using var stream = File.OpenRead(csv);
        var summary = await new AccountImporter(db, TimeProvider.System, NullLogger<AccountImporter>.Instance).ImportAsync(stream, "bench", _ => { });
        return (summary, watch.Elapsed.TotalSeconds);
    }

    private static async Task<(long Inserted, long Rejected, double Seconds)> BaselineAsync(DatabaseOptions options, string csv)
    {
        var watch = Stopwatch.StartNew();
        using var reader = new CsvReader(new StreamReader(csv));
        var (parser, _, _) = AccountRowParser.FromHeader(reader.Read()!);
        await using var db = DatabaseSetup.CreateContext(options);
        var now = SystemClock.Instance.GetCurrentInstant();
        var creditors = new Dictionary<string, (CreditorId, PortfolioId)>();
        long inserted = 0, rejected = 0, pending = 0;
        while (reader.Read() is { } record)
        {
            var (row, errors) = parser!.Parse(record);
            if (row is null)
            {
                rejected++;
                continue;
            }

            if (!creditors.TryGetValue(row.CreditorCode, out var ids))
            {
                var creditor = new Creditor { Code = row.CreditorCode, Name = row.CreditorCode, Country = row.Country };
                var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "bench", CreatedAt = now };
                db.AddRange(creditor, portfolio);
                creditors[row.CreditorCode] = ids = (creditor.Id, portfolio.Id);
            }

            var debtor = new Debtor
            {
                Kind = row.DebtorKind, FirstName = row.FirstName, LastName = row.LastName, CompanyName = row.CompanyName, PreferredLanguage = row.Language,
                Addresses = [new DebtorAddress { Street = row.Street ?? "", PostalCode = row.PostalCode ?? "", City = row.City ?? "", Country = row.Country, ValidFrom = now }],
                Phones = [.. row.Phones.Select(p => new PhoneNumber { E164 = p.E164, Kind = p.Kind, Region = p.Region, AutodialConsent = p.Consent })],
            };
            var account = new Account
            {
                CreditorId = ids.Item1, PortfolioId = ids.Item2, DebtorId = debtor.Id, CreditorReference = row.AccountRef, Currency = row.Currency,
                Principal = row.Principal, Interest = row.Interest, Fees = row.Fees, DueDate = row.DueDate, CreatedAt = now, UpdatedAt = now, ImportHash = row.Hash,
                Invoices = [.. row.Invoices.Select(i => new Invoice { Number = i.Number, IssuedOn = i.IssuedOn, DueOn = i.DueOn, Amount = i.Amount })],
            };
            db.AddRange(debtor, account, new Case { AccountId = account.Id, OpenedAt = now });
            inserted++;
            if (++pending == 5000)
            {
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
                pending = 0;
            }
        }

        await db.SaveChangesAsync();
        return (inserted, rejected, watch.Elapsed.TotalSeconds);
    }
}
