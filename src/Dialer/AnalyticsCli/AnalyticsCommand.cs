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
/// the other figures); <c>analytics curves</c> prints the liquidation curves as CSV. Settings from <c>Collections:Analytics</c>.
/// Exit code 2 with a message naming the option for an unknown strategy or creditor or a bad setting.
/// </summary>
public static class AnalyticsCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var strategy = new Option<string?>("--strategy") { Description = "Only this strategy's arms (its id in config/strategies)." };
        var creditor = new Option<string?>("--creditor") { Description = "Only this creditor's cases (its code)." };
        var arms = new Command("arms", "Per arm of each champion/challenger test: cases, collected per case with its interval, rates, costs, and the sequential comparison with the champion.") { strategy, creditor };
        arms.SetAction((ParseResult p, CancellationToken ct) => Run(p.GetValue(strategy), p.GetValue(creditor), csv: false, ct));
        var curveStrategy = new Option<string?>("--strategy") { Description = "Only this strategy's arms." };
        var curveCreditor = new Option<string?>("--creditor") { Description = "Only this creditor's cases (its code)." };
        var curves = new Command("curves", "Liquidation curves by arm and day since placement, with intervals, as CSV.") { curveStrategy, curveCreditor };
        curves.SetAction((ParseResult p, CancellationToken ct) => Run(p.GetValue(curveStrategy), p.GetValue(curveCreditor), csv: true, ct));
        return new Command("analytics", "Effectiveness of strategies: champion/challenger arms.") { arms, curves };
    }

    private static Task<int> Run(string? strategy, string? creditor, bool csv, CancellationToken ct) =>
        !CliHost.TryDatabase(out var database, out var error) || !CliHost.TryClock(out var time, out error)
            ? Task.FromResult(CliOutput.Fail(error!))
            : RunAsync(database, CliHost.Configuration(), time, strategy, creditor, csv, Console.Out, Console.Error, ct);

    /// <summary>Runs <c>analytics arms</c> (or <c>curves</c> with <paramref name="csv"/>); returns the exit code.</summary>
    internal static async Task<int> RunAsync(DatabaseOptions database, IConfiguration configuration, TimeProvider time, string? strategy, string? creditor, bool csv,
        TextWriter stdout, TextWriter stderr, CancellationToken ct)
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

        var outcomes = await ArmOutcomeQuery.LoadAsync(db, id, creditorId is { } one ? [one] : null, ct);
        var reports = ArmAnalytics.Compute(outcomes, Instant.FromDateTimeOffset(time.GetUtcNow()).InUtc().Date, options);
        if (csv)
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
