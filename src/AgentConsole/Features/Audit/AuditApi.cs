using System.Globalization;
using System.Text;
using Collections.AgentConsole.Features.Auth;
using Collections.Shared.Audit;
using Collections.Shared.Persistence;
using Collections.Shared.Reporting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;

namespace Collections.AgentConsole.Features.Audit;

/// <summary>One entry of the audit trail as the administrators' page lists it.</summary>
public sealed record AuditItem(long Id, string At, string Actor, string Action, string Subject, string Detail, string? From);

/// <summary>A page of the trail, newest first.</summary>
public sealed record AuditPage(int Page, int PageSize, int Total, IReadOnlyList<AuditItem> Items);

/// <summary>What verifying the chain found (<c>audit verify</c>'s answer): <paramref name="Anchor"/> is the anchor file's path,
/// null when this database has none.</summary>
public sealed record AuditVerifyDto(long Entries, bool Intact, long? BrokenEntry, string? Reason, long? AnchoredEntry, string? Anchor);

/// <summary>The administrators' audit page (audit.html, docs/security.md): the trail newest first, filtered by actor, subject,
/// action and date, a page at a time; the chain verified on demand; the filtered entries as CSV. Reading or exporting the trail
/// is itself recorded in it (it names who read whose data). Everyone but an administrator is refused with 403.</summary>
public static class AuditApi
{
    private const int MaxPageSize = 200;

    /// <summary>The most entries one CSV holds; narrow the filters for more.</summary>
    public const int MaxExportRows = 100_000;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(AuthSetup.AdministratorPolicy);
        group.MapGet("/", ListAsync).WithSummary("The audit trail newest first (?actor=, ?subject=, ?action=read|change, ?from=, ?to= dates, ?page=, ?pageSize=)")
            .Audited("audit trail");
        group.MapGet("/export.csv", ExportAsync).WithSummary("The filtered entries as CSV, newest first").Audited("audit trail export");
        group.MapGet("/verify", VerifyAsync).WithSummary("Walks the hash chain and checks it against the anchor, as `audit verify` does");
        return app;
    }

    /// <summary>The filters of the list and the export, checked: a bad one is named.</summary>
    internal sealed record Filter(string? Actor, string? Subject, string? Action, Instant? From, Instant? Until)
    {
        public static (Filter? Filter, Dictionary<string, string[]> Errors) Parse(string? actor, string? subject, string? action, string? from, string? to)
        {
            var errors = new Dictionary<string, string[]>();
            if (!string.IsNullOrWhiteSpace(action) && action.Trim() is not (AuditSetup.Read or AuditSetup.Change))
            {
                errors["action"] = [$"'{action}' is not an action: {AuditSetup.Read} or {AuditSetup.Change}"];
            }

            var start = Day(from, "from", errors);
            var end = Day(to, "to", errors);
            if (start is { } s && end is { } e && e < s)
            {
                errors["to"] = ["the last day is before the first"];
            }

            return errors.Count > 0
                ? (null, errors)
                : (new Filter(Blank(actor), Blank(subject), Blank(action), start?.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant(),
                    end?.PlusDays(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant()), errors);
        }

        public IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> entries)
        {
            if (Actor is { } actor)
            {
                entries = entries.Where(e => e.Actor.Contains(actor));
            }

            if (Subject is { } subject)
            {
                entries = entries.Where(e => e.Subject.Contains(subject));
            }

            if (Action is { } action)
            {
                entries = entries.Where(e => e.Action == action);
            }

            if (From is { } from)
            {
                entries = entries.Where(e => e.At >= from);
            }

            if (Until is { } until)
            {
                entries = entries.Where(e => e.At < until);
            }

            return entries.OrderByDescending(e => e.Id);
        }

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        // Days are UTC days, as the entries' times are shown with their offset: from 00:00 of the first to 24:00 of the last.
        private static LocalDate? Day(string? text, string field, Dictionary<string, string[]> errors)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            var parsed = LocalDatePattern.Iso.Parse(text.Trim());
            if (parsed.Success)
            {
                return parsed.Value;
            }

            errors[field] = [$"'{text}' is not a date (yyyy-mm-dd)"];
            return null;
        }
    }

    /// <summary>GET /api/audit?actor=supervisor&amp;subject=DE-100001&amp;action=change&amp;from=2026-12-01&amp;to=2026-12-04&amp;page=1&amp;pageSize=50</summary>
    internal static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAsync(
        ICollectionsDbContextFactory databases, string? actor, string? subject, string? action, string? from, string? to, int? page, int? pageSize, CancellationToken ct)
    {
        var (filter, errors) = Filter.Parse(actor, subject, action, from, to);
        var (number, size) = Infrastructure.Paging.Read(page, pageSize, MaxPageSize, errors);

        if (filter is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var db = databases.CreateDbContext();
        var query = filter.Apply(db.AuditEntries.AsNoTracking());
        var total = await query.CountAsync(ct);
        var rows = await query.Skip((number - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new AuditPage(number, size, total, [.. rows.Select(ToItem)]));
    }

    /// <summary>GET /api/audit/export.csv with the list's filters: id, time, actor, action, subject, detail, address; every value
    /// that a spreadsheet would run as a formula is neutralised (<see cref="Csv"/>).</summary>
    internal static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportAsync(
        ICollectionsDbContextFactory databases, TimeProvider time, string? actor, string? subject, string? action, string? from, string? to, CancellationToken ct)
    {
        var (filter, errors) = Filter.Parse(actor, subject, action, from, to);
        if (filter is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var db = databases.CreateDbContext();
        var csv = new StringBuilder().Append(Csv.Line("id", "at", "actor", "action", "subject", "detail", "from")).Append("\r\n");
        await foreach (var e in filter.Apply(db.AuditEntries.AsNoTracking()).Take(MaxExportRows).AsAsyncEnumerable().WithCancellation(ct))
        {
            csv.Append(Csv.Line(e.Id.ToString(CultureInfo.InvariantCulture), InstantPattern.General.Format(e.At), e.Actor, e.Action, e.Subject, e.Detail, e.From ?? "")).Append("\r\n");
        }

        var today = LocalDatePattern.Iso.Format(Instant.FromDateTimeOffset(time.GetUtcNow()).InUtc().Date);
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"audit-{today}.csv");
    }

    /// <summary>GET /api/audit/verify: the whole chain walked now and checked against the anchor file.</summary>
    internal static async Task<Results<Ok<AuditVerifyDto>, ProblemHttpResult>> VerifyAsync(ICollectionsDbContextFactory databases, IServiceProvider services, CancellationToken ct)
    {
        var anchor = AuditSetup.AnchorOf(services);
        await using var db = databases.CreateDbContext();
        try
        {
            var result = await AuditTrail.VerifyAsync(db, anchor, ct);
            return TypedResults.Ok(new AuditVerifyDto(result.Entries, result.Intact, result.BrokenEntry, result.Reason, result.AnchoredEntry, anchor?.Path));
        }
        catch (InvalidDataException ex)
        {
            return TypedResults.Problem($"{AuditAnchor.Key}: {ex.Message}", statusCode: StatusCodes.Status500InternalServerError, title: "the audit anchor cannot be read");
        }
    }

    private static AuditItem ToItem(AuditEntry e) => new(e.Id, InstantPattern.General.Format(e.At), e.Actor, e.Action, e.Subject, e.Detail, e.From);
}
