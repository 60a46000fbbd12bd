using Collections.AgentConsole.Features.Demo;
using Collections.Shared.Domain;
using Collections.Shared.FieldVisits;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Outcomes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.AgentConsole.Features.FieldVisits;

/// <summary>Field visits (issue 16, seed 004): the rules from Shared, the API for the FieldAgent's phone page
/// (wwwroot/visits.html), and in the demo a few visits for today so the page has a route.</summary>
public static partial class FieldVisitsSetup
{
    /// <summary>How many demo visits are planned for today when the demo starts.</summary>
    public const int DemoVisits = 6;

    public static IHostApplicationBuilder AddFieldVisits(this IHostApplicationBuilder builder)
    {
        builder.AddFieldVisitRules();
        return builder;
    }

    /// <summary>In the demo (Development, demo data on): sends the field agent to a few open cases today, spread over the demo's
    /// countries, as a supervisor would; once per day (the tasks are keyed by account and day).</summary>
    public static async Task SeedDemoVisitsAsync(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment() || !app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled)
        {
            return;
        }

        var ct = app.Lifetime.ApplicationStopping;
        var visits = app.Services.GetRequiredService<FieldVisitService>();
        var now = Instant.FromDateTimeOffset(app.Services.GetRequiredService<TimeProvider>().GetUtcNow());
        List<(AccountId Account, string Country)> candidates;
        await using (var db = app.Services.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext())
        {
            // Read as rows and paired in memory: PostgreSQL returns a tuple projected in SQL as a record Npgsql does not read.
            var rows = await (from c in db.Cases.AsNoTracking()
                              join a in db.Accounts.AsNoTracking() on c.AccountId equals a.Id
                              join ad in db.Addresses.AsNoTracking() on a.DebtorId equals ad.DebtorId
                              where c.ClosedAt == null && ad.ValidUntil == null
                              orderby a.CreditorReference
                              select new { a.Id, ad.Country }).Take(400).ToListAsync(ct);
            candidates = [.. rows.Select(x => (x.Id, x.Country))];
        }

        // One or two per country, so the route has several towns and the visiting hours of several packs show.
        var chosen = candidates.GroupBy(c => c.Country).SelectMany(g => g.Take(2)).Take(DemoVisits).ToList();
        var asks = VisitAsks.All;
        var planned = 0;
        foreach (var (account, _) in chosen)
        {
            try
            {
                await visits.ScheduleAsync(account, now.InUtc().Date, asks[planned % asks.Count], "demo", ct);
                planned++;
            }
            catch (OutcomeRefusedException ex)
            {
                LogDemoVisitSkipped(app.Logger, account, ex.Message);
            }
        }

        LogDemoVisits(app.Logger, planned);
    }

    [LoggerMessage(EventId = 2972, Level = LogLevel.Information, Message = "Demo field visits: {Count} planned for today (sign in as 'field' on a phone: /visits.html)")]
    private static partial void LogDemoVisits(ILogger logger, int count);

    [LoggerMessage(EventId = 2973, Level = LogLevel.Information, Message = "Demo field visit to {AccountId} not planned: {Reason}")]
    private static partial void LogDemoVisitSkipped(ILogger logger, AccountId accountId, string reason);
}
