using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Dialer.Messaging;
using Collections.Dialer.Outreach.Reports;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using NodaTime;
using NodaTime.Text;

namespace Collections.Dialer.ReportCli;

/// <summary>
/// <c>report creditor --creditor &lt;code&gt; --from &lt;date&gt; --to &lt;date&gt; --out &lt;dir&gt;</c> (stable contract,
/// docs/creditor-reports.md): writes <c>report.pdf</c>, <c>accounts.csv</c> and <c>remittance.csv</c> into the folder and prints
/// one JSON line per currency
/// <c>{"creditor","from","to","placedCount","placedAmount","collected","commission","remitted","recoveryRate","promisesMade","promisesKept","currency"}</c>.
/// Exit code 2 with a message naming the option for an unknown creditor or a bad date.
/// </summary>
public static class ReportCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var creditor = new Option<string>("--creditor") { Description = "The creditor's code.", Required = true };
        var from = new Option<string>("--from") { Description = "First day of the period (yyyy-MM-dd, UTC).", Required = true };
        var to = new Option<string>("--to") { Description = "Last day of the period (yyyy-MM-dd, UTC), included.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder the three files are written to (created when missing).", Required = true };
        var verb = new Command("creditor", "A creditor's status report (PDF), account statuses and remittance statement (CSV) for a period.") { creditor, from, to, output };
        verb.SetAction((ParseResult p, CancellationToken ct) =>
        {
            if (!CliHost.TryDatabase(out var database, out var error))
            {
                return Task.FromResult(CliOutput.Fail(error!));
            }

            var agency = CliHost.Configuration()[$"{MessagingOptions.Section}:Agency:Name"] ?? new AgencyDetails().Name;
            return RunAsync(database, agency, p.GetValue(creditor)!, p.GetValue(from)!, p.GetValue(to)!, p.GetValue(output)!, Console.Out, Console.Error, ct);
        });
        return new Command("report", "Reports for creditors.") { verb };
    }

    /// <summary>Runs the verb; returns the exit code.</summary>
    internal static async Task<int> RunAsync(DatabaseOptions database, string agency, string creditor, string from, string to, string output,
        TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!TryDate(from, "--from", out var first, out var error) || !TryDate(to, "--to", out var last, out error))
        {
            return CliOutput.Fail(error!, stderr);
        }

        if (last < first)
        {
            return CliOutput.Fail($"--to: {to} is before --from {from}", stderr);
        }

        if (CliHost.MissingSqliteFile(database) is { } missing)
        {
            return CliOutput.Fail(missing, stderr);
        }

        await using var db = DatabaseSetup.CreateContext(database);
        await db.Database.MigrateAsync(ct);
        var code = creditor.Trim();
        var report = await CreditorReportFiles.WriteAsync(db, new CreditorReportRenderer(), agency, code, first, last, output, ct);
        if (report is null)
        {
            return CliOutput.Fail($"--creditor: no creditor '{code}'", stderr);
        }

        var fromText = first.ToString("yyyy-MM-dd", null);
        var toText = last.ToString("yyyy-MM-dd", null);
        if (report.Currencies.Count == 0)
        {
            CliOutput.WriteLine(new { creditor = report.Creditor, from = fromText, to = toText, placedCount = 0, placedAmount = 0m, collected = 0m, commission = 0m, remitted = 0m, recoveryRate = 0m, promisesMade = 0, promisesKept = 0, currency = (string?)null }, stdout);
        }

        foreach (var f in report.Currencies)
        {
            CliOutput.WriteLine(new { creditor = report.Creditor, from = fromText, to = toText, placedCount = f.PlacedCount, placedAmount = f.PlacedAmount, collected = f.Collected, commission = f.Commission, remitted = f.Remitted, recoveryRate = f.RecoveryRate, promisesMade = f.PromisesMade, promisesKept = f.PromisesKept, currency = f.Currency }, stdout);
        }

        return CliOutput.Ok;
    }

    private static bool TryDate(string text, string option, out LocalDate date, out string? error)
    {
        var parsed = LocalDatePattern.Iso.Parse(text.Trim());
        date = parsed.Success ? parsed.Value : default;
        error = parsed.Success ? null : $"{option}: '{text}' is not a date (yyyy-MM-dd, e.g. 2026-11-01)";
        return parsed.Success;
    }
}
