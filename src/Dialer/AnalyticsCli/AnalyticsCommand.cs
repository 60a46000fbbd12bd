using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Shared.Analytics;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using NodaTime;

namespace Collections.Dialer.AnalyticsCli;

/// <summary>
/// The <c>analytics</c> verbs (docs/analytics.md): <c>analytics arms [--strategy &lt;id&gt;] [--creditor &lt;code&gt;]</c> prints one
/// JSON line per strategy, currency and arm (stable contract:
/// <c>{"strategy","arm","cases","collectedPerCase","ciLow","ciHigh","vsChampion":{"difference","pValue","significant"}}</c>, then
/// the other figures); <c>analytics curves</c> prints the liquidation curves as CSV; <c>analytics touches</c> prints one JSON line
/// per strategy, currency and step, channel, template, script or discount band with what followed it (associations, not
/// effects; <c>--csv</c> for CSV). Settings from <c>Collections:Analytics</c>.
/// Exit code 2 with a message naming the option for an unknown strategy or creditor or a bad setting.
/// </summary>
/// <summary>What an <c>analytics</c> verb prints.</summary>
internal enum AnalyticsOutput
{
    Arms,
    Curves,
    Touches,
    TouchesCsv,
}

public static class AnalyticsCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var strategy = new Option<string?>("--strategy") { Description = "Only this strategy's arms (its id in config/strategies)." };
        var creditor = new Option<string?>("--creditor") { Description = "Only this creditor's cases (its code)." };
        var arms = new Command("arms", "Per arm of each champion/challenger test: cases, collected per case with its interval, rates, costs, and the sequential comparison with the champion.") { strategy, creditor };
        arms.SetAction((ParseResult p, CancellationToken ct) => Run(p.GetValue(strategy), p.GetValue(creditor), AnalyticsOutput.Arms, ct));
        var curveStrategy = new Option<string?>("--strategy") { Description = "Only this strategy's arms." };
        var curveCreditor = new Option<string?>("--creditor") { Description = "Only this creditor's cases (its code)." };
        var curves = new Command("curves", "Liquidation curves by arm and day since placement, with intervals, as CSV.") { curveStrategy, curveCreditor };
        curves.SetAction((ParseResult p, CancellationToken ct) => Run(p.GetValue(curveStrategy), p.GetValue(curveCreditor), AnalyticsOutput.Curves, ct));
        var touchStrategy = new Option<string?>("--strategy") { Description = "Only this strategy's cases." };
        var touchCreditor = new Option<string?>("--creditor") { Description = "Only this creditor's cases (its code)." };
        var touchCsv = new Option<bool>("--csv") { Description = "CSV instead of JSON lines." };
        var touches = new Command("touches", "What followed each step, channel, template, script and discount offer within Collections:Analytics:TouchWindowDays (associations, not effects).") { touchStrategy, touchCreditor, touchCsv };
        touches.SetAction((ParseResult p, CancellationToken ct) => Run(p.GetValue(touchStrategy), p.GetValue(touchCreditor), p.GetValue(touchCsv) ? AnalyticsOutput.TouchesCsv : AnalyticsOutput.Touches, ct));
        return new Command("analytics", "Effectiveness of strategies: champion/challenger arms, and what followed each step.") { arms, curves, touches };
    }

    private static Task<int> Run(string? strategy, string? creditor, AnalyticsOutput output, CancellationToken ct)
    {
        if (!CliHost.TryDatabase(out var database, out var error) || !CliHost.TryClock(out var time, out error))
        {
            return Task.FromResult(CliOutput.Fail(error!));
        }

        // Templates come from the strategies' steps; without the strategies the other headings are still printed.
        var catalog = output is AnalyticsOutput.Touches or AnalyticsOutput.TouchesCsv && CliHost.TryClaimAnalysis(out var analysis, out _) ? analysis!.Catalog : null;
        return RunAsync(database, CliHost.Configuration(), time, strategy, creditor, output, Console.Out, Console.Error, ct, catalog);
    }

    /// <summary>Runs <c>analytics arms</c>, <c>curves</c> or <c>touches</c>; returns the exit code.</summary>
    internal static async Task<int> RunAsync(DatabaseOptions database, IConfiguration configuration, TimeProvider time, string? strategy, string? creditor, AnalyticsOutput output,
        TextWriter stdout, TextWriter stderr, CancellationToken ct, Shared.Workflow.Strategies.StrategyCatalog? catalog = null)
    {
        var options = new AnalyticsOptions();
        configuration.GetSection(AnalyticsOptions.Section).Bind(options);
        var problems = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), problems, validateAllProperties: true))
        {
            return CliOutput.Fail($"{AnalyticsOptions.Section}: {string.Join("; ", problems.Select(p => $"{string.Join(",", p.MemberNames)}: {p.ErrorMessage}"))}", stderr);
        }

        if (CliHost.MissingSqliteFile(database) is { } missing)
        {
            return CliOutput.Fail(missing, stderr);
        }

        await using var db = DatabaseSetup.CreateContext(database);
        await db.Database.MigrateAsync(ct);
        var id = strategy?.Trim();
        if (id is not null && !await db.Cases.AnyAsync(c => c.StrategyId == id, ct))
        {
            return CliOutput.Fail($"--strategy: no case is on strategy '{id}'", stderr);
        }

        Shared.Domain.CreditorId? creditorId = null;
        if (creditor?.Trim() is { } code)
        {
            creditorId = await db.Creditors.Where(c => c.Code == code).Select(c => (Shared.Domain.CreditorId?)c.Id).FirstOrDefaultAsync(ct);
            if (creditorId is null)
            {
                return CliOutput.Fail($"--creditor: no creditor '{code}'", stderr);
            }
        }

        var outcomes = await ArmOutcomeQuery.LoadAsync(db, id, creditorId is { } one ? [one] : null, ct, catalog);
        var today = Instant.FromDateTimeOffset(time.GetUtcNow()).InUtc().Date;
        if (output is AnalyticsOutput.Touches or AnalyticsOutput.TouchesCsv)
        {
            var lines = TouchAnalytics.Compute(outcomes, today, options).Select(t => ArmExport.Line(t, options)).ToList();
            if (output == AnalyticsOutput.TouchesCsv)
            {
                await stdout.WriteAsync(ArmExport.TouchesCsv(lines));
            }
            else
            {
                lines.ForEach(line => CliOutput.WriteLine(line, stdout));
            }

            return CliOutput.Ok;
        }

        var reports = ArmAnalytics.Compute(outcomes, today, options);
        if (output == AnalyticsOutput.Curves)
        {
            await stdout.WriteAsync(ArmExport.CurvesCsv(reports));
            return CliOutput.Ok;
        }

        foreach (var report in reports)
        {
            CliOutput.WriteLine(ArmExport.Line(report, options), stdout);
        }

        return CliOutput.Ok;
    }
}
