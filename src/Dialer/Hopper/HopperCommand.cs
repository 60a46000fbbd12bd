using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.DueContacts;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Collections.Dialer.Hopper;

/// <summary>
/// The <c>hopper</c> verb: <c>hopper peek [--campaign name] [--limit n] [--at instant]</c> prints the queued calls the hopper
/// would hand out next, best first, one JSON line each with the entry's purpose and the reason, without claiming anything.
/// </summary>
public static class HopperCommand
{
    /// <summary>Builds the verb with its <c>peek</c> subcommand.</summary>
    public static Command Create()
    {
        var campaign = new Option<string?>("--campaign") { Description = "Campaign name (default: every running campaign)." };
        var limit = new Option<int>("--limit") { Description = "Accounts to print per campaign.", DefaultValueFactory = _ => 20 };
        var at = new Option<string?>("--at") { Description = "ISO 8601 instant to rank at, e.g. 2026-03-10T10:00:00Z (default: now)." };
        var peek = new Command("peek", "The next accounts the hopper would dial, best first, with the reason, without claiming them.") { campaign, limit, at };
        peek.SetAction((ParseResult p, CancellationToken ct) => CliHost.TryClock(out var time, out var error)
            ? PeekAsync(new PeekArguments(p.GetValue(campaign), p.GetValue(limit), p.GetValue(at)), CliHost.Configuration(), time, Console.Out, Console.Error, ct)
            : Task.FromResult(CliOutput.Fail(error!)));
        return new Command("hopper", "Inspect the dialing hopper.") { peek };
    }

    /// <summary>The peek subcommand's raw option values.</summary>
    internal sealed record PeekArguments(string? Campaign, int Limit, string? At);

    /// <summary>Runs <c>hopper peek</c>; returns the exit code. Tests pass configuration and capture output.</summary>
    internal static async Task<int> PeekAsync(PeekArguments args, IConfiguration configuration, TimeProvider time, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Limit < 1)
        {
            return CliOutput.Fail($"--limit: must be at least 1, got {args.Limit}", stderr);
        }

        if (!CliHost.TryParseInstant(args.At, out var at, out var problem)
            || !CliHost.TryDatabaseAndCompliance(configuration, out var database, out var engine, out problem)
            || (problem = CliHost.MissingSqliteFile(database)) is not null)
        {
            return CliOutput.Fail(problem!, stderr);
        }

        HopperOptions options;
        try
        {
            options = HopperSetup.ReadOptions(configuration);
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
        {
            return CliOutput.Fail(ex.Message, stderr);
        }

        List<Campaign> campaigns;
        await using (var db = DatabaseSetup.CreateContext(database))
        {
            campaigns = args.Campaign is null
                ? await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Running).OrderBy(c => c.Name).ToListAsync(cancellationToken)
                : await db.Campaigns.AsNoTracking().Where(c => c.Name == args.Campaign).ToListAsync(cancellationToken);
        }

        if (args.Campaign is not null && campaigns.Count == 0)
        {
            return CliOutput.Fail($"--campaign: unknown campaign '{args.Campaign}'", stderr);
        }

        // Peeking claims nothing, so the node id only labels log lines.
        CollectionsDbContext CreateContext() => DatabaseSetup.CreateContext(database);
        var hopper = new DialerHopper("peek", engine!, CreateContext, time, options, new DueContactQueue(CreateContext, time, NullLogger<DueContactQueue>.Instance),
            NullLogger<DialerHopper>.Instance);
        foreach (var campaign in campaigns)
        {
            foreach (var entry in await hopper.PeekAsync(campaign, args.Limit, at, cancellationToken))
            {
                CliOutput.WriteLine(new
                {
                    campaign = campaign.Name,
                    account = entry.AccountReference,
                    accountId = entry.AccountId.Value,
                    purpose = entry.Purpose.Text(),
                    scriptStage = entry.ScriptStage,
                    scheduledContactId = entry.EntryId,
                    agentId = entry.Operator?.Value,
                    agentOnlyUntil = entry.OperatorOnlyUntil is { } until ? InstantPattern.General.Format(until) : null,
                    phone = HopperEntry.Mask(entry.Phone),
                    phonePriority = entry.PhonePriority,
                    priority = entry.Priority,
                    localHour = entry.Now.Label,
                    contactRate = Math.Round(entry.Now.Rate, 4),
                    bestHour = entry.Best.Label,
                    bestRate = Math.Round(entry.Best.Rate, 4),
                    reach = Math.Round(entry.Reach, 4),
                    dueAt = InstantPattern.General.Format(entry.DueAt),
                    retryAt = entry.RetryAt is { } r ? InstantPattern.General.Format(r) : null,
                    reason = entry.Reason,
                }, stdout);
            }
        }

        return CliOutput.Ok;
    }
}
