using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Dialer.ImportCli;

/// <summary>The <c>import payments &lt;file&gt;</c> verb (docs/workflow.md): a CSV or camt.053 file; one JSON line per refused,
/// unmatched or duplicate line, then one per creditor and currency with the totals booked, then a summary; exit code 2 when
/// any line was refused.</summary>
public static class ImportPaymentsCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Payment file: CSV (received_on,amount,currency,reference,...) or ISO 20022 camt.053 XML." };
        var payments = new Command("payments", "Load received payments, match them to accounts by reference and allocate them; unmatched ones wait in a queue.") { file };
        payments.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            if (!CliHost.TryDatabase(out var options, out var error) || !CliHost.TryClock(out var time, out error))
            {
                return CliOutput.Fail(error!);
            }

            using var logging = CliHost.Logging();
            return await RunAsync(parse.GetValue(file)!, options, logging, Console.Out, Console.Error, ct, time);
        });

        return new Command("import", "Load data files.") { payments };
    }

    /// <summary>Runs the verb against <paramref name="options"/>' database, writing to the given streams.</summary>
    internal static async Task<int> RunAsync(FileInfo input, DatabaseOptions options, ILoggerFactory logging, TextWriter stdout, TextWriter stderr, CancellationToken ct, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (!input.Exists)
        {
            return CliOutput.Fail($"file: '{input.FullName}' does not exist.", stderr);
        }

        await using var db = DatabaseSetup.CreateContext(options);
        await db.Database.MigrateAsync(ct);
        var importer = new PaymentImporter(db, time, logging.CreateLogger<PaymentImporter>());
        var summary = await importer.ImportFileAsync(input.FullName, issue => CliOutput.WriteLine(new
        {
            line = issue.Line,
            kind = issue.Kind,
            column = issue.Column,
            error = issue.Message,
            reference = issue.Reference,
        }, stdout), ct);

        await AuditCli.AuditCommand.RecordChangeAsync(options, time, $"payment file {input.Name} ({summary.Format}): {summary.Rows} rows, {summary.Matched} booked, {summary.Unmatched} unmatched, {summary.Rejected} rejected, {summary.Duplicates} duplicates",
            "payment import", ct);

        // Totals of what this file booked, per creditor (seed 001: received payments passed on to the creditor).
        await using var report = DatabaseSetup.CreateContext(options);
        var booked = await report.PaymentImportEntries.AsNoTracking()
            .Where(e => e.BatchId == summary.BatchId && e.UnmatchedReason == null)
            .Join(report.Payments, e => e.PaymentId, p => p.Id, (e, p) => p.ReceivedOn).ToListAsync(ct);
        if (booked.Count > 0)
        {
            foreach (var total in await new PaymentImporter(report, time).TotalsAsync(booked.Min(), booked.Max(), summary.BatchId, ct))
            {
                CliOutput.WriteLine(new
                {
                    creditor = total.CreditorCode,
                    currency = total.Currency,
                    payments = total.Payments,
                    amount = Cents(total.Amount),
                    fees = Cents(total.Fees),
                    interest = Cents(total.Interest),
                    principal = Cents(total.Principal),
                    // Paid beyond the balance: to refund or hold, never silently kept.
                    unapplied = Cents(total.Amount - total.Fees - total.Interest - total.Principal),
                }, stdout);
            }
        }

        CliOutput.WriteLine(new
        {
            file = input.Name,
            format = summary.Format,
            rows = summary.Rows,
            matched = summary.Matched,
            unmatched = summary.Unmatched,
            rejected = summary.Rejected,
            duplicates = summary.Duplicates,
            matchedAmount = summary.MatchedAmount,
            unmatchedAmount = summary.UnmatchedAmount,
        }, stdout);
        return summary.Rejected > 0 ? CliOutput.BadInput : CliOutput.Ok;
    }

    // Two decimals on output whatever scale the database returned ("45.0000" or "45.0"): adding 0.00m raises the scale.
    private static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero) + 0.00m;
}
