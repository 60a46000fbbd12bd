using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using NodaTime;

namespace Collections.Shared.Workflow.Sweep;

/// <summary>An open instalment of an active plan, as the sweep and the resync select it.</summary>
internal sealed record OpenInstalment(InstalmentId Id, AccountId AccountId, LocalDate DueDate, Instant? RemindedAt, Instant PlanCreatedAt);

/// <summary>
/// The SQL that selects timed work by date. A promise's check, an instalment's reminder and check fall due at a local hour
/// in the debtor's zone, which the tables do not hold, so these queries use the bound that holds in every zone: the latest
/// date whose time, by the rule's own function, has come in the earliest zone on earth (UTC+14); the caller keeps what is
/// due in the debtor's own zone.
/// </summary>
internal static class DueSelection
{
    // Local times are earliest in UTC+14 (Kiribati): a date whose time has not come there has not come anywhere.
    private static readonly DateTimeZone Earliest = DateTimeZone.ForOffset(Offset.FromHours(14));

    /// <summary>Pending promises whose check (<see cref="PromiseWorkflow.CheckTime"/>) can be due by <paramref name="dueBy"/> in some zone.</summary>
    public static IQueryable<PromiseToPay> PromiseChecks(CollectionsDbContext db, WorkflowOptions options, Instant? dueBy)
    {
        var query = db.Promises.Where(p => p.Status == PromiseStatus.Pending);
        if (dueBy is { } bound)
        {
            var latest = Latest(d => PromiseWorkflow.CheckTime(d, options, Earliest), bound);
            query = query.Where(p => p.DueDate <= latest);
        }

        return query.OrderBy(p => p.DueDate).ThenBy(p => p.CreatedAt);
    }

    /// <summary>Unpaid, unmissed instalments of active plans due on or before <paramref name="latestDueDate"/> (null: all).</summary>
    public static IQueryable<OpenInstalment> OpenInstalments(CollectionsDbContext db, LocalDate? latestDueDate, bool unremindedOnly = false)
    {
        var query = from i in db.Instalments
                    join p in db.InstalmentPlans on i.PlanId equals p.Id
                    where p.Status == InstalmentPlanStatus.Active && (i.Status == InstalmentStatus.Due || i.Status == InstalmentStatus.PartlyPaid)
                    select new { i, p };
        if (latestDueDate is { } latest)
        {
            query = query.Where(x => x.i.DueDate <= latest);
        }

        if (unremindedOnly)
        {
            query = query.Where(x => x.i.RemindedAt == null);
        }

        return query.OrderBy(x => x.i.DueDate).ThenBy(x => x.i.Number)
            .Select(x => new OpenInstalment(x.i.Id, x.p.AccountId, x.i.DueDate, x.i.RemindedAt, x.p.CreatedAt));
    }

    /// <summary>Open instalments whose reminder or check can be due by <paramref name="dueBy"/> (the resync's selection).</summary>
    public static IQueryable<OpenInstalment> OpenInstalments(CollectionsDbContext db, WorkflowOptions options, Instant? dueBy) =>
        OpenInstalments(db, dueBy is { } bound ? ReminderBound(bound, options) : null);

    /// <summary>The latest due date whose reminder (<see cref="WorkflowOptions.ReminderDaysBefore"/> days before, at the
    /// reminder's local time) can be due by <paramref name="dueBy"/> in some zone.</summary>
    public static LocalDate ReminderBound(Instant dueBy, WorkflowOptions options) => Latest(d => InstalmentWorkflow.ReminderTime(d, options, Earliest), dueBy);

    /// <summary>The latest due date whose check (<see cref="InstalmentWorkflow.CheckTime"/>) can be due by <paramref name="dueBy"/> in some zone.</summary>
    public static LocalDate CheckBound(Instant dueBy, WorkflowOptions options) => Latest(d => InstalmentWorkflow.CheckTime(d, options, Earliest), dueBy);

    /// <summary>The latest date whose time by <paramref name="timeOf"/> (later for a later date) is at or before <paramref name="bound"/>.</summary>
    private static LocalDate Latest(Func<LocalDate, Instant> timeOf, Instant bound)
    {
        // Times of work lie within a few weeks of their date (reminders at most 30 days before, checks days after).
        var date = bound.InUtc().Date.PlusDays(60);
        while (timeOf(date) > bound)
        {
            date = date.PlusDays(-1);
        }

        return date;
    }
}
