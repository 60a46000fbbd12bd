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
        return new Command("privacy", "Data protection requests.") { export };
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
