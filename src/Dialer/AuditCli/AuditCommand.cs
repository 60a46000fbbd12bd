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
/// <c>"intact":false,"brokenEntry":id,"reason":"..."</c> (exit 2).
/// </summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var verify = new Command("verify", "Check that no audit entry was altered or removed; exit 2 names the first broken one.");
        verify.SetAction((ParseResult _, CancellationToken ct) => RunVerifyAsync(CliHost.Configuration(), Console.Out, Console.Error, ct));
        return new Command("audit", "The audit trail of reads and changes of debtor data.") { verify };
    }

    internal static async Task<int> RunVerifyAsync(IConfiguration configuration, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!CaseCommand.TryDatabase(configuration, out var database, out var error) || (error = CliHost.MissingSqliteFile(database)) is not null)
        {
            return CliOutput.Fail(error!, stderr);
        }

        await using var db = DatabaseSetup.CreateContext(database);
        var result = await AuditTrail.VerifyAsync(db, ct);
        if (result.Intact)
        {
            CliOutput.WriteLine(new { entries = result.Entries, intact = true }, stdout);
            return CliOutput.Ok;
        }

        CliOutput.WriteLine(new { entries = result.Entries, intact = false, brokenEntry = result.BrokenEntry, reason = result.Reason }, stdout);
        return CliOutput.BadInput;
    }
}
