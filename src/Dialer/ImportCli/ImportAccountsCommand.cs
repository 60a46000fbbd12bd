using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Shared.Import;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Collections.Dialer.ImportCli;

/// <summary>The <c>import accounts &lt;csv&gt;</c> verb (docs/import.md): bad rows on stdout as JSON lines, a summary
/// line last, a progress bar on stderr; exit code 2 when any row or the header was refused.</summary>
public static class ImportAccountsCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("csv") { Description = "The account file (docs/import.md)." };
        var portfolio = new Option<string?>("--portfolio") { Description = "Portfolio name for new accounts (default: the file name)." };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw the progress bar." };
        var encoding = new Option<string?>("--encoding") { Description = "The file's encoding when not UTF-8: windows-1252, iso-8859-1, windows-1250, iso-8859-2, ..." };
        var accounts = new Command("accounts", "Load a portfolio of accounts from CSV; upserts on creditor + account reference.") { file, portfolio, noProgress, encoding };
        accounts.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var csv = parse.GetValue(file)!;
            if (!csv.Exists)
            {
                return CliOutput.Fail($"csv: file '{csv.FullName}' does not exist.");
            }

            if (!TryEncoding(parse.GetValue(encoding), out var fileEncoding, out var encodingError))
            {
                return CliOutput.Fail(encodingError!);
            }

            if (!CliHost.TryDatabase(out var options, out var error))
            {
                return CliOutput.Fail(error!);
            }

            if (!CliHost.TryClaimAnalysis(out var analysis, out var strategyError))
            {
                return CliOutput.Fail(strategyError!);
            }

            if (!CliHost.TryClock(out var time, out var clockError))
            {
                return CliOutput.Fail(clockError!);
            }

            await using var db = DatabaseSetup.CreateContext(options);
            await db.Database.MigrateAsync(ct);
            using var logging = CliHost.Logging();
            var importer = new AccountImporter(db, time, logging.CreateLogger<AccountImporter>(), analysis) { FileEncoding = fileEncoding };
            var name = parse.GetValue(portfolio) ?? Path.GetFileNameWithoutExtension(csv.Name);
            await using var stream = csv.OpenRead();
            void Report(ImportError e) => CliOutput.WriteLine(new { line = e.Line, column = e.Column, error = e.Error });

            ImportSummary summary;
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            if (parse.GetValue(noProgress) || !console.Profile.Capabilities.Interactive)
            {
                summary = await importer.ImportAsync(stream, name, Report, null, ct);
            }
            else
            {
                summary = await console.Progress().AutoClear(false).StartAsync(async context =>
                {
                    var task = context.AddTask($"Importing {csv.Name}", maxValue: Math.Max(1, csv.Length));
                    var progress = new Progress<ImportProgress>(p => task.Value = p.BytesRead);
                    var result = await importer.ImportAsync(stream, name, Report, progress, ct);
                    task.Value = task.MaxValue;
                    return result;
                });
            }

            // One entry per import, with its counts (the rows themselves are in the import's batch).
            await AuditCli.AuditCommand.RecordChangeAsync(options, time, $"account file {csv.Name} (portfolio {name}): {summary.Rows} rows, {summary.Inserted} added, {summary.Updated} updated, {summary.Unchanged} unchanged, {summary.Rejected} rejected",
                "account import", ct);
            CliOutput.WriteLine(new
            {
                file = csv.Name,
                portfolio = name,
                rows = summary.Rows,
                inserted = summary.Inserted,
                updated = summary.Updated,
                unchanged = summary.Unchanged,
                rejected = summary.Rejected,
                fileRejected = summary.FileRejected,
                creditorsCreated = summary.CreditorsCreated,
                casesPlanned = summary.CasesPlanned,
                casesUnplanned = summary.CasesUnplanned,
                ignoredColumns = summary.IgnoredColumns,
                elapsedMs = (long)summary.Elapsed.TotalMilliseconds,
            });
            return summary.FileRejected || summary.Rejected > 0 ? CliOutput.BadInput : CliOutput.Ok;
        });

        return new Command("import", "Load data files.") { accounts };
    }

    /// <summary>The encoding named by <c>--encoding</c> (UTF-8 when none), including the Windows code pages spreadsheets write.</summary>
    internal static bool TryEncoding(string? name, out System.Text.Encoding encoding, out string? error)
    {
        encoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        error = null;
        if (string.IsNullOrWhiteSpace(name))
        {
            return true;
        }

        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        try
        {
            encoding = System.Text.Encoding.GetEncoding(name.Trim());
            return true;
        }
        catch (ArgumentException)
        {
            error = $"--encoding: '{name}' is not an encoding this machine knows (windows-1252, iso-8859-1, windows-1250, iso-8859-2, utf-8, ...).";
            return false;
        }
    }
}
