using System.CommandLine;
using Collections.Dialer.CaseCli;
using Collections.Dialer.Cli;
using Collections.Shared.Audit;
using Collections.Shared.Persistence;
using Microsoft.Extensions.Configuration;

namespace Collections.Dialer.AuditCli;

/// <summary>
/// <c>audit verify</c> (docs/security.md): walks the hash-chained audit trail and prints
/// <c>{"entries":n,"intact":true}</c> (exit 0), or names the first entry that was altered, or follows a removed one, with
/// <c>"intact":false,"brokenEntry":id,"reason":"..."</c> (exit 2). With the anchor file (<see cref="AuditAnchor"/>) the
/// removal of the last entries is named too (<c>entries after N are missing</c>); <c>"anchoredEntry"</c> says up to which
/// entry the anchor vouched for the trail.
/// </summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var verify = new Command("verify", "Check that no audit entry was altered or removed; exit 2 names the first broken one.");
        verify.SetAction((ParseResult _, CancellationToken ct) => RunVerifyAsync(CliHost.Configuration(), Console.Out, Console.Error, ct));
        return new Command("audit", "The audit trail of reads and changes of debtor data.") { verify };
    }

    /// <summary>Appends a change made by a verb to the trail of <paramref name="database"/> (and advances its anchor): the
    /// actor is <c>cli:&lt;OS user&gt;</c>, the address the machine's name, as for <c>privacy export</c>.</summary>
    internal static Task RecordChangeAsync(DatabaseOptions database, TimeProvider time, string subject, string kind, CancellationToken ct) =>
        RecordAsync(database, CliHost.Configuration(), time, "change", subject, kind, ct);

    /// <summary>Appends a read or change made by a verb, as <see cref="RecordChangeAsync"/>, with the anchor of <paramref name="configuration"/>.</summary>
    internal static Task RecordAsync(DatabaseOptions database, IConfiguration configuration, TimeProvider time, string action, string subject, string detail, CancellationToken ct) =>
        new AuditTrail(() => DatabaseSetup.CreateContext(database), time, AuditAnchor.For(configuration, database))
            .RecordAsync($"cli:{Environment.UserName}", action, subject, detail, Environment.MachineName, ct);

    internal static async Task<int> RunVerifyAsync(IConfiguration configuration, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!CaseCommand.TryDatabase(configuration, out var database, out var error) || (error = CliHost.MissingSqliteFile(database)) is not null)
        {
            return CliOutput.Fail(error!, stderr);
        }

        var anchor = AuditAnchor.For(configuration, database);
        if (anchor is null)
        {
            await stderr.WriteLineAsync($"warning: no {AuditAnchor.Key} is set for this {database.Provider} database: removing the last entries cannot be found");
        }

        await using var db = DatabaseSetup.CreateContext(database);
        AuditVerification result;
        try
        {
            result = await AuditTrail.VerifyAsync(db, anchor, ct);
        }
        catch (InvalidDataException ex)
        {
            return CliOutput.Fail($"{AuditAnchor.Key}: {ex.Message}", stderr);
        }

        if (result.Intact)
        {
            CliOutput.WriteLine(new { entries = result.Entries, intact = true, anchoredEntry = result.AnchoredEntry }, stdout);
            return CliOutput.Ok;
        }

        CliOutput.WriteLine(new { entries = result.Entries, intact = false, brokenEntry = result.BrokenEntry, reason = result.Reason }, stdout);
        return CliOutput.BadInput;
    }
}
