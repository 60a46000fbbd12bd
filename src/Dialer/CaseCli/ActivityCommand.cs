using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using NodaTime;
using NodaTime.Text;

namespace Collections.Dialer.CaseCli;

/// <summary>
/// The <c>activity --since &lt;instant&gt; [--until &lt;instant&gt;]</c> verb (DESIGN.md section 5, docs/workflow.md): one JSON
/// line per contact made (the contact ledger), in time order: <c>{"at","accountRef","creditor","channel","purpose","outcome"}</c>.
/// Rows are streamed from the database as they are read, so a month of a busy floor does not sit in memory.
/// </summary>
public static class ActivityCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var since = new Option<string>("--since") { Description = "ISO 8601 instant: the first contact to list started at or after it.", Required = true };
        var until = new Option<string?>("--until") { Description = "ISO 8601 instant: contacts started before it (default: now)." };
        var command = new Command("activity", "Every contact made between two instants, one JSON line each, in time order.") { since, until };
        command.SetAction((ParseResult p, CancellationToken ct) => CliHost.TryClock(out var time, out var error)
            ? RunAsync(p.GetValue(since)!, p.GetValue(until), CliHost.Configuration(), time, Console.Out, Console.Error, ct)
            : Task.FromResult(CliOutput.Fail(error!)));
        return command;
    }

    /// <summary>Runs the verb; returns the exit code.</summary>
    internal static async Task<int> RunAsync(string since, string? until, IConfiguration configuration, TimeProvider time, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!CliHost.TryParseInstant(since, "--since", out var from, out var problem) || !CliHost.TryParseInstant(until, "--until", out var to, out problem))
        {
            return CliOutput.Fail(problem!, stderr);
        }

        var end = to ?? Instant.FromDateTimeOffset(time.GetUtcNow());
        if (end < from!.Value)
        {
            return CliOutput.Fail($"--until: {InstantPattern.ExtendedIso.Format(end)} is before --since {InstantPattern.ExtendedIso.Format(from.Value)}", stderr);
        }

        DatabaseOptions database;
        try
        {
            database = DatabaseSetup.ReadOptions(configuration);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            return CliOutput.Fail(ex.Message, stderr);
        }

        if (CliHost.MissingSqliteFile(database) is { } missing)
        {
            return CliOutput.Fail(missing, stderr);
        }

        var start = from.Value;
        await using var db = DatabaseSetup.CreateContext(database);
        var rows = from c in db.ContactAttempts.AsNoTracking()
                   join a in db.Accounts on c.AccountId equals a.Id
                   join k in db.Creditors on a.CreditorId equals k.Id
                   where c.StartedAt >= start && c.StartedAt < end
                   orderby c.StartedAt, c.Id
                   select new { c.StartedAt, a.CreditorReference, k.Code, c.Channel, c.Purpose, c.Outcome };

        // Calls to our inbound numbers from a number no debtor has: no ledger row (no account), listed from inbound_calls in
        // the same order, so every inbound call has its line (issue 17).
        await using var unmatchedDb = DatabaseSetup.CreateContext(database);
        var unmatched = unmatchedDb.InboundCalls.AsNoTracking()
            .Where(c => c.AccountId == null && c.ReceivedAt >= start && c.ReceivedAt < end)
            .OrderBy(c => c.ReceivedAt).ThenBy(c => c.Id)
            .Select(c => new { c.ReceivedAt, c.Outcome })
            .AsAsyncEnumerable().WithCancellation(ct).GetAsyncEnumerator();
        var haveUnmatched = await unmatched.MoveNextAsync();
        try
        {
            await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
            {
                while (haveUnmatched && unmatched.Current.ReceivedAt < row.StartedAt)
                {
                    WriteUnmatched(unmatched.Current.ReceivedAt, unmatched.Current.Outcome, stdout);
                    haveUnmatched = await unmatched.MoveNextAsync();
                }

                CliOutput.WriteLine(new
                {
                    at = InstantPattern.ExtendedIso.Format(row.StartedAt),
                    accountRef = row.CreditorReference,
                    creditor = row.Code,
                    channel = row.Channel.Text(),
                    purpose = row.Purpose?.Text(),
                    outcome = row.Outcome.Text(),
                }, stdout);
            }

            while (haveUnmatched)
            {
                WriteUnmatched(unmatched.Current.ReceivedAt, unmatched.Current.Outcome, stdout);
                haveUnmatched = await unmatched.MoveNextAsync();
            }
        }
        finally
        {
            await unmatched.DisposeAsync();
        }

        return CliOutput.Ok;
    }

    /// <summary>An inbound call matched to no account, in the ledger's words for a call we took: answered by an operator, no
    /// answer when it went to the voicemail box, cancelled when the caller hung up first.</summary>
    private static void WriteUnmatched(Instant at, InboundCallOutcome outcome, TextWriter stdout) => CliOutput.WriteLine(new
    {
        at = InstantPattern.ExtendedIso.Format(at),
        accountRef = (string?)null,
        creditor = (string?)null,
        channel = ContactChannel.Call.Text(),
        purpose = ContactPurpose.Inbound.Text(),
        outcome = (outcome switch
        {
            InboundCallOutcome.Answered => ContactOutcome.Answered,
            InboundCallOutcome.Voicemail or InboundCallOutcome.ClosedNoMessage => ContactOutcome.NoAnswer,
            InboundCallOutcome.AbandonedInIvr or InboundCallOutcome.AbandonedInQueue => ContactOutcome.Cancelled,
            InboundCallOutcome.Lost => ContactOutcome.Lost,
            _ => ContactOutcome.Pending,
        }).Text(),
    }, stdout);
}
