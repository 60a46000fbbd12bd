using System.CommandLine;
using System.Text.Json;
using Collections.Dialer.CaseCli;
using Collections.Dialer.Calls;
using Collections.Dialer.Cli;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using NodaTime;

namespace Collections.Dialer.PrivacyCli;

/// <summary>
/// <c>privacy export &lt;debtor&gt; [--out file.json]</c> (docs/security.md): a data subject access request answered from the
/// configured database (GDPR Art. 15). The debtor is named by the debtor's id, or by the id or creditor reference of any of
/// their accounts. Without <c>--out</c> the export is one JSON line on stdout; with it, an indented file and a summary line.
/// Exit 2 names what was not found.
/// <c>privacy erase &lt;debtor&gt; --reason "..." [--dry-run]</c> (docs/privacy.md): erasure on request (GDPR Art. 17), refused
/// with exit 3 naming every legal hold. <c>privacy retention [--dry-run]</c>: the retention job run once.
/// </summary>
public static class PrivacyCommand
{
    public static Command Create()
    {
        var subject = new Argument<string>("debtor") { Description = "The debtor's id (GUID), or the id or creditor reference of one of their accounts." };
        var creditor = new Option<string?>("--creditor") { Description = "Creditor code, when the reference exists for several creditors." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the export to this file (indented JSON) instead of stdout." };
        var export = new Command("export", "Everything held about one debtor, for a subject access request (GDPR Art. 15).") { subject, creditor, output };
        export.SetAction((ParseResult parse, CancellationToken ct) => CliHost.TryClock(out var time, out var error)
            ? RunAsync(parse.GetValue(subject)!, parse.GetValue(creditor), parse.GetValue(output), CliHost.Configuration(), time, Console.Out, Console.Error, ct)
            : Task.FromResult(CliOutput.Fail(error!)));

        var eraseSubject = new Argument<string>("debtor") { Description = "The debtor's id (GUID), or the id or creditor reference of one of their accounts." };
        var eraseCreditor = new Option<string?>("--creditor") { Description = "Creditor code, when the reference exists for several creditors." };
        var reason = new Option<string>("--reason") { Description = "Why (the request's date and channel, a ticket): kept in the audit trail.", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Report the holds, or what would be anonymised, and change nothing." };
        var erase = new Command("erase", "Erase or anonymise one debtor's personal data on request, unless a legal hold applies (GDPR Art. 17).") { eraseSubject, eraseCreditor, reason, dryRun };
        erase.SetAction((ParseResult parse, CancellationToken ct) => CliHost.TryClock(out var time, out var error)
            ? EraseAsync(parse.GetValue(eraseSubject)!, parse.GetValue(eraseCreditor), parse.GetValue(reason)!, parse.GetValue(dryRun), CliHost.Configuration(), time, Console.Out, Console.Error, ct)
            : Task.FromResult(CliOutput.Fail(error!)));

        var retentionDryRun = new Option<bool>("--dry-run") { Description = "Count what the run would anonymise and change nothing." };
        var retention = new Command("retention", "Anonymise debtors whose cases all closed longer ago than Collections:Privacy:RetentionAfterClosed, skipping held ones (GDPR Art. 5(1)(e)).") { retentionDryRun };
        retention.SetAction((ParseResult parse, CancellationToken ct) => CliHost.TryClock(out var time, out var error)
            ? RetentionAsync(parse.GetValue(retentionDryRun), CliHost.Configuration(), time, Console.Out, Console.Error, ct)
            : Task.FromResult(CliOutput.Fail(error!)));
        return new Command("privacy", "Data protection requests.") { export, erase, retention };
    }

    /// <summary>Exit code of <c>privacy erase</c> when a legal hold keeps the data: nothing was changed (not bad input).</summary>
    public const int Held = 3;

    /// <summary>Runs <c>privacy erase</c>; returns the exit code: 0 erased (or nothing left), 3 held, 2 bad input.</summary>
    internal static async Task<int> EraseAsync(
        string subject, string? creditor, string reason, bool dryRun, IConfiguration configuration, TimeProvider time, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return CliOutput.Fail("--reason: say why the data is erased (the request's date and channel, a ticket); it goes into the audit trail", stderr);
        }

        if (!TryStores(configuration, out var database, out var files, out var error))
        {
            return CliOutput.Fail(error!, stderr);
        }

        DebtorId debtor;
        await using (var db = DatabaseSetup.CreateContext(database))
        {
            var (found, problem) = await FindDebtorAsync(db, subject, creditor, ct);
            if (found is null)
            {
                return CliOutput.Fail(problem!, stderr);
            }

            debtor = found.Value;
        }

        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var result = (await SubjectErasure.EraseAsync(() => DatabaseSetup.CreateContext(database), new ErasureRequest(debtor, reason.Trim(), $"cli:{Environment.UserName}", dryRun), now, files, ct))!;
        CliOutput.WriteLine(new
        {
            debtor = debtor.Value, outcome = result.Outcome, dryRun,
            holds = result.Holds.Select(h => new { account = h.Account, kind = h.Kind, reason = h.Reason, ground = h.Ground }),
            anonymised = result.Anonymised.Where(c => c.Value > 0).ToDictionary(), suppressed = result.Suppressed, files = result.Files.Count, kept = result.Kept,
        }, stdout);
        if (result.Held)
        {
            await stderr.WriteLineAsync($"debtor {debtor.Value}: not erased, {result.Holds.Count} legal hold(s) apply:");
            foreach (var hold in result.Holds)
            {
                await stderr.WriteLineAsync($"  {hold.Account}: {hold.Kind}: {hold.Reason} ({hold.Ground})");
            }

            return Held;
        }

        return CliOutput.Ok;
    }

    /// <summary>Runs <c>privacy retention</c>; returns the exit code.</summary>
    internal static async Task<int> RetentionAsync(bool dryRun, IConfiguration configuration, TimeProvider time, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var options = new PrivacyOptions();
        configuration.GetSection(PrivacyOptions.Section).Bind(options);
        var problems = PrivacyProblems(options).ToList();
        if (problems.Count > 0)
        {
            return CliOutput.Fail(string.Join(Environment.NewLine, problems), stderr);
        }

        if (!TryStores(configuration, out var database, out var files, out var error))
        {
            return CliOutput.Fail(error!, stderr);
        }

        var report = await RetentionSweep.RunAsync(() => DatabaseSetup.CreateContext(database), options, Instant.FromDateTimeOffset(time.GetUtcNow()), dryRun, files, ct);
        CliOutput.WriteLine(report, stdout);
        return CliOutput.Ok;
    }

    /// <summary>What is wrong with the privacy options, each naming its key.</summary>
    internal static IEnumerable<string> PrivacyProblems(PrivacyOptions options)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? "Collections:Privacy is invalid").Concat(options.Problems());
    }

    /// <summary>The database, and where the recordings and printed letters are, from the configuration.</summary>
    internal static bool TryStores(IConfiguration configuration, out DatabaseOptions database, out ErasureFiles files, out string? error)
    {
        files = ErasureFiles.None;
        if (!CaseCommand.TryDatabase(configuration, out database, out error) || (error = CliHost.MissingSqliteFile(database)) is not null)
        {
            return false;
        }

        var recording = configuration.GetSection(RecordingOptions.Section).Get<RecordingOptions>() ?? new RecordingOptions();
        var outreach = configuration.GetSection(Collections.Dialer.Outreach.OutreachOptions.Section).Get<Collections.Dialer.Outreach.OutreachOptions>() ?? new Collections.Dialer.Outreach.OutreachOptions();
        var letters = Path.GetFullPath(Collections.Dialer.Outreach.Letters.PrintQueue.DirectoryFor(outreach, configuration));
        files = new ErasureFiles(recording.PathFor, stored => Path.GetFullPath(Path.Combine(letters, stored)) is var full && full.StartsWith(letters, StringComparison.Ordinal) ? full : null);
        return true;
    }

    /// <summary>Runs the verb; returns the exit code.</summary>
    internal static async Task<int> RunAsync(
        string subject, string? creditor, FileInfo? output, IConfiguration configuration, TimeProvider time, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!CaseCommand.TryDatabase(configuration, out var database, out var error) || (error = CliHost.MissingSqliteFile(database)) is not null)
        {
            return CliOutput.Fail(error!, stderr);
        }

        await using var db = DatabaseSetup.CreateContext(database);
        var (debtor, problem) = await FindDebtorAsync(db, subject, creditor, ct);
        if (debtor is null)
        {
            return CliOutput.Fail(problem!, stderr);
        }

        // The export is itself a read of the person's data: it goes into the audit trail like any other.
        await AuditCli.AuditCommand.RecordAsync(database, configuration, time, "read", $"debtor:{debtor.Value.Value}", "privacy export", ct);
        var recording = configuration.GetSection(RecordingOptions.Section).Get<RecordingOptions>() ?? new RecordingOptions();
        var result = await SubjectAccessExport.BuildAsync(db, debtor.Value, Instant.FromDateTimeOffset(time.GetUtcNow()), recording.PathFor, ct);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output.FullName, JsonSerializer.Serialize(result, new JsonSerializerOptions(CliOutput.Json) { WriteIndented = true }), ct);
            CliOutput.WriteLine(new { debtor = debtor.Value.Value, file = output.FullName, bytes = new FileInfo(output.FullName).Length }, stdout);
        }
        else
        {
            CliOutput.WriteLine(result, stdout);
        }

        return CliOutput.Ok;
    }

    /// <summary>The debtor named by <paramref name="text"/>: a debtor id, or an account id or reference.</summary>
    internal static async Task<(DebtorId? Debtor, string? Error)> FindDebtorAsync(CollectionsDbContext db, string text, string? creditor, CancellationToken ct)
    {
        if (Guid.TryParse(text, out var guid) && await db.Debtors.AnyAsync(d => d.Id == new DebtorId(guid), ct))
        {
            return (new DebtorId(guid), null);
        }

        var (account, error) = await AccountLookup.FindAsync(db, text, creditor, ct);
        if (account is null)
        {
            return (null, $"debtor: no debtor with id '{text}', and {error}");
        }

        return (await db.Accounts.Where(a => a.Id == account.Value).Select(a => a.DebtorId).SingleAsync(ct), null);
    }
}
