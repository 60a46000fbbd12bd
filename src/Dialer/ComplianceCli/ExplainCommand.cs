using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Shared.Compliance;
using Collections.Shared.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NodaTime.Text;

namespace Collections.Dialer.ComplianceCli;

/// <summary>
/// The <c>explain</c> verb (DESIGN.md section 5): whether an account may be called or messaged at an instant, each rule with
/// its verdict, reason and source, and when it may next be contacted. Reads the configured database
/// (<c>Collections:Database</c> from ./appsettings.json and environment variables such as <c>Collections__Database__Provider</c>)
/// and the rule packs in <c>config/compliance</c>.
/// </summary>
public static class ExplainCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var account = new Argument<string>("account-ref") { Description = "The account's id (GUID) or the creditor's reference." };
        var at = new Option<string?>("--at") { Description = "ISO 8601 instant to evaluate, e.g. 2026-03-09T01:00:00Z (default: now)." };
        var creditor = new Option<string?>("--creditor") { Description = "Creditor code, when the reference exists for several creditors." };
        var manual = new Option<bool>("--manual") { Description = "Evaluate a call dialed by an operator (not autodialed, operator guaranteed) instead of a predictive campaign." };
        var command = new Command("explain", "Why an account may or may not be contacted now, rule by rule, and when it next may be.")
        {
            account, at, creditor, manual,
        };
        command.SetAction((ParseResult p, CancellationToken ct) => CliHost.TryClock(out var time, out var error)
            ? RunAsync(new Arguments(p.GetValue(account)!, p.GetValue(at), p.GetValue(creditor), p.GetValue(manual)), CliHost.Configuration(), time, Console.Out, Console.Error, ct)
            : Task.FromResult(CliOutput.Fail(error!)));
        return command;
    }

    /// <summary>The verb's raw option values.</summary>
    internal sealed record Arguments(string AccountRef, string? At, string? Creditor, bool Manual);

    /// <summary>Runs the verb; returns the exit code. Separate from <see cref="Create"/> so tests can pass configuration and capture output.</summary>
    internal static async Task<int> RunAsync(Arguments args, IConfiguration configuration, TimeProvider time, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!CliHost.TryParseInstant(args.At, out var at, out var problem)
            || !CliHost.TryDatabaseAndCompliance(configuration, out var database, out var engine, out problem)
            || (problem = CliHost.MissingSqliteFile(database)) is not null)
        {
            return CliOutput.Fail(problem!, stderr);
        }

        var service = new ComplianceService(engine!, () => DatabaseSetup.CreateContext(database), time);
        var (accountId, error) = await service.FindAccountAsync(args.AccountRef, args.Creditor, cancellationToken);
        if (accountId is null)
        {
            return CliOutput.Fail(error!, stderr);
        }

        var campaign = args.Manual ? CampaignContext.Manual : CampaignContext.Predictive;
        var report = await service.ExplainAsync(accountId.Value, args.AccountRef, at, campaign, cancellationToken);
        if (report is null)
        {
            return CliOutput.Fail($"unknown account '{args.AccountRef}'", stderr);
        }

        CliOutput.WriteLine(report, stdout);
        return CliOutput.Ok;
    }
}
