using Collections.AgentConsole.Features.Auth;
using Collections.Dialer.Outreach.Letters;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;

namespace Collections.AgentConsole.Features.Outbox;

/// <summary>One message or letter as the outbox lists it.</summary>
/// <param name="Purpose">Why it was sent (the <see cref="ContactPurposes.Text"/> form: reminder, pre-instalment ...), from its queue entry or ledger row.</param>
/// <param name="Document">For a printed letter: the URL of its PDF.</param>
public sealed record OutboxItem(
    Guid Id,
    string CreatedAt,
    string UpdatedAt,
    string Channel,
    string Status,
    string? Purpose,
    Guid AccountId,
    string AccountRef,
    string To,
    string Template,
    string Language,
    string? ProviderId,
    int? ErrorCode,
    string? Error,
    string? Document);

/// <summary>A page of the outbox, newest first.</summary>
public sealed record OutboxPage(int Page, int PageSize, int Total, IReadOnlyList<OutboxItem> Items);

/// <summary>The supervisors' outbox: every SMS, WhatsApp, e-mail and printed letter with its status, purpose, account, time
/// and provider id, filtered by channel, status and account; a letter opens as its PDF from the print queue.</summary>
public static class OutboxApi
{
    private const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapOutbox(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/outbox").WithTags("Outbox").RequireAuthorization(AuthSetup.SupervisorPolicy);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}/document", DocumentAsync);
        return app;
    }

    /// <summary>GET /api/outbox?channel=sms&amp;status=delivered&amp;account=DE-4711&amp;page=1&amp;pageSize=50</summary>
    internal static async Task<Results<Ok<OutboxPage>, ValidationProblem>> ListAsync(
        ICollectionsDbContextFactory databases, string? channel, string? status, string? account, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        ContactChannel? channelFilter = null;
        if (!string.IsNullOrWhiteSpace(channel))
        {
            if (Enum.TryParse<ContactChannel>(channel, ignoreCase: true, out var c) && c is ContactChannel.Sms or ContactChannel.WhatsApp or ContactChannel.Email or ContactChannel.Letter)
            {
                channelFilter = c;
            }
            else
            {
                errors["channel"] = [$"'{channel}' is not a channel of the outbox: sms, whatsapp, email or letter"];
            }
        }

        OutboundMessageState? statusFilter = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (Enum.TryParse<OutboundMessageState>(status, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(status, out _))
            {
                statusFilter = s;
            }
            else
            {
                errors["status"] = [$"'{status}' is not a message status: {string.Join(", ", Enum.GetNames<OutboundMessageState>().Select(n => n.ToLowerInvariant()))}"];
            }
        }

        var (number, size) = Infrastructure.Paging.Read(page, pageSize, MaxPageSize, errors);

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var db = databases.CreateDbContext();
        var query = from m in db.OutboundMessages.AsNoTracking()
                    join a in db.Accounts.AsNoTracking() on m.AccountId equals a.Id
                    select new { Message = m, a.CreditorReference };
        if (channelFilter is { } ch)
        {
            query = query.Where(x => x.Message.Channel == ch);
        }

        if (statusFilter is { } st)
        {
            query = query.Where(x => x.Message.State == st);
        }

        if (!string.IsNullOrWhiteSpace(account))
        {
            var reference = account.Trim();
            query = Guid.TryParse(reference, out var id)
                ? query.Where(x => x.Message.AccountId == new AccountId(id))
                : query.Where(x => x.CreditorReference == reference);
        }

        var total = await query.CountAsync(ct);
        var rows = await query
            .OrderByDescending(x => x.Message.CreatedAt)
            .Skip((number - 1) * size)
            .Take(size)
            .Select(x => new
            {
                x.Message,
                x.CreditorReference,
                QueuedPurpose = db.ScheduledContacts.Where(c => c.Id == x.Message.ScheduledContactId).Select(c => (ContactPurpose?)c.Purpose).FirstOrDefault(),
                LedgerPurpose = db.ContactAttempts.Where(c => c.Id == x.Message.ContactAttemptId).Select(c => c.Purpose).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var items = rows.Select(r => new OutboxItem(
            r.Message.Id.Value,
            InstantPattern.General.Format(r.Message.CreatedAt),
            InstantPattern.General.Format(r.Message.UpdatedAt),
            r.Message.Channel.ToString().ToLowerInvariant(),
            r.Message.State.ToString().ToLowerInvariant(),
            (r.QueuedPurpose ?? r.LedgerPurpose)?.Text(),
            r.Message.AccountId.Value,
            r.CreditorReference,
            r.Message.To,
            r.Message.Template,
            r.Message.Language,
            r.Message.ProviderId,
            r.Message.ErrorCode,
            r.Message.ErrorMessage,
            r.Message.DocumentPath is null ? null : $"/api/outbox/{r.Message.Id.Value}/document")).ToList();
        return TypedResults.Ok(new OutboxPage(number, size, total, items));
    }

    /// <summary>GET /api/outbox/{id}/document: the letter's PDF as handed to the print queue, shown in the browser.</summary>
    internal static async Task<Results<PhysicalFileHttpResult, NotFound<string>>> DocumentAsync(Guid id, ICollectionsDbContextFactory databases, PrintQueue printQueue, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        var document = await db.OutboundMessages.AsNoTracking()
            .Where(m => m.Id == new OutboundMessageId(id) && m.Channel == ContactChannel.Letter)
            .Select(m => m.DocumentPath)
            .FirstOrDefaultAsync(ct);
        if (document is null || !printQueue.Contains(document))
        {
            return TypedResults.NotFound(document is null ? "no printed letter with this id" : "the letter's PDF is not (or no longer) in the print queue");
        }

        return TypedResults.PhysicalFile(printQueue.PathOf(document), "application/pdf", lastModified: null);
    }
}
