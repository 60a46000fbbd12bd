using System.Text;
using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Letters;
using Collections.Dialer.Messaging.Templates;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Dialer.Outreach.Letters;

/// <summary>A printed letter to send: the template for an account, under a key that makes it happen once.</summary>
public sealed record LetterRequest(string IdempotencyKey, AccountId AccountId, string Template, ContactPurpose? Purpose = null, Guid? ScheduledContactId = null);

/// <summary>
/// Prints letters into the print queue with the same discipline as a message: counted once, compliant, never twice.
/// </summary>
/// <remarks>
/// (1) The letter is rendered first, so a missing text or agreement fails before anything is reserved. (2) An
/// <c>outbound_messages</c> row (channel Letter) takes the idempotency key, with the PDF's file name fixed from the row's id.
/// (3) <see cref="ContactLedger.ReserveAsync"/> re-checks compliance (a dispute or cease request stops letters too) and
/// commits the pending ledger row. (4) The state becomes Sending, committed. (5) The PDF is handed to the
/// <see cref="PrintQueue"/> (written, fsynced, renamed). (6) The message and the ledger row become Sent. A crash between (4)
/// and (6) is settled by the next request with the same key: the file under its fixed name either exists (handed over:
/// marked Sent) or does not (written now), so a letter is never printed twice and never lost.
/// </remarks>
public sealed partial class PrintedLetterSender(
    Func<CollectionsDbContext> createContext,
    ContactLedger ledger,
    LetterComposer composer,
    LetterRenderer renderer,
    PrintQueue printQueue,
    MessageTemplates templates,
    TimeProvider time,
    ILogger<PrintedLetterSender> logger)
{
    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>Prints the request's letter once; see the class remarks for the order of steps.</summary>
    public async Task<SendResult> SendAsync(LetterRequest request, CancellationToken cancellationToken)
    {
        OutboundMessage? existing;
        await using (var db = createContext())
        {
            existing = await db.OutboundMessages.AsNoTracking().FirstOrDefaultAsync(m => m.IdempotencyKey == request.IdempotencyKey, cancellationToken);
        }

        if (existing is not null && existing.State is not (OutboundMessageState.Reserved or OutboundMessageState.Refused or OutboundMessageState.Retrying or OutboundMessageState.Sending))
        {
            return Result(SendStatus.AlreadySent, existing);
        }

        var prepared = await PrepareAsync(request, cancellationToken);
        if (prepared.Error is not null)
        {
            return new SendResult(SendStatus.Failed, existing?.Id, existing?.State, Error: prepared.Error);
        }

        if (existing is { State: OutboundMessageState.Sending })
        {
            // A crash after the ledger row was reserved: the file under the row's name tells whether it was handed over.
            LogResumed(logger, existing.Id, printQueue.Contains(existing.DocumentPath!));
            return await HandOverAsync(existing, prepared.Pdf!, cancellationToken);
        }

        var message = existing ?? new OutboundMessage { IdempotencyKey = request.IdempotencyKey, To = "", Template = "", Language = "", Body = "", CreatedAt = Now };
        message.AccountId = request.AccountId;
        message.DebtorId = prepared.DebtorId;
        message.Channel = ContactChannel.Letter;
        message.To = Truncate(prepared.Address!, 254);
        message.Template = $"letter.{request.Template}";
        message.Language = prepared.Language!;
        message.Body = Truncate(prepared.Description!, 4000);
        message.Subject = prepared.Title;
        message.ScheduledContactId = request.ScheduledContactId;
        message.DocumentPath = FileName(message, prepared.Reference!, request.Template);
        message.State = OutboundMessageState.Reserved;
        message.ErrorCode = null;
        message.ErrorMessage = null;
        message.UpdatedAt = Now;
        await using (var db = createContext())
        {
            if (existing is null)
            {
                db.OutboundMessages.Add(message);
            }
            else
            {
                db.OutboundMessages.Update(message);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException) when (existing is null)
            {
                // Another worker inserted the same key a moment ago: that one prints it.
                await using var again = createContext();
                return Result(SendStatus.AlreadySent, await again.OutboundMessages.AsNoTracking().FirstAsync(m => m.IdempotencyKey == request.IdempotencyKey, cancellationToken));
            }
        }

        // Letters obey the account's standing like every contact (a dispute or a cease request stops them) and are counted.
        var reservation = await ledger.ReserveAsync(new ContactRequest(request.AccountId, new ContactTarget(ContactChannel.Letter, message.To),
            CampaignContext.Manual, Purpose: request.Purpose, ScheduledContactId: request.ScheduledContactId), cancellationToken);
        if (!reservation.MayProceed)
        {
            var refused = await UpdateAsync(message.Id, m =>
            {
                m.State = OutboundMessageState.Refused;
                m.ErrorMessage = Truncate("refused: " + string.Join("; ", reservation.Decision.Rules.Where(r => r.Verdict == RuleVerdict.Refused).Select(r => $"{r.Rule}: {r.Reason}")), 1000);
                m.UpdatedAt = Now;
            }, cancellationToken);
            return Result(SendStatus.Refused, refused) with { Decision = reservation.Decision };
        }

        // Only one worker moves the letter to Sending (a node whose lease ran out may still be at it): the other cancels its row.
        var now = Now;
        var attemptId = reservation.AttemptId;
        int won;
        await using (var db = createContext())
        {
            won = await db.OutboundMessages
                .Where(m => m.Id == message.Id && (m.State == OutboundMessageState.Reserved || m.State == OutboundMessageState.Refused || m.State == OutboundMessageState.Retrying))
                .ExecuteUpdateAsync(u => u
                    .SetProperty(m => m.State, OutboundMessageState.Sending)
                    .SetProperty(m => m.SendingAt, (Instant?)now)
                    .SetProperty(m => m.ContactAttemptId, attemptId)
                    .SetProperty(m => m.UpdatedAt, now), cancellationToken);
        }

        if (won == 0)
        {
            await ledger.CompleteAsync(attemptId!.Value, new ContactResult(ContactOutcome.Cancelled), cancellationToken);
            await using var again = createContext();
            return Result(SendStatus.InDoubt, await again.OutboundMessages.AsNoTracking().FirstAsync(m => m.Id == message.Id, cancellationToken), "another worker is printing this letter");
        }

        await using (var db = createContext())
        {
            message = await db.OutboundMessages.AsNoTracking().FirstAsync(m => m.Id == message.Id, cancellationToken);
        }

        return await HandOverAsync(message, prepared.Pdf!, cancellationToken);
    }

    private async Task<SendResult> HandOverAsync(OutboundMessage message, byte[] pdf, CancellationToken cancellationToken)
    {
        var name = message.DocumentPath!;
        if (!printQueue.Contains(name))
        {
            try
            {
                await printQueue.WriteAsync(name, pdf, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Nothing reached the print queue under the letter's name: the ledger row is cancelled and a later request
                // with the same key prints it.
                await ledger.CompleteAsync(message.ContactAttemptId!.Value, new ContactResult(ContactOutcome.Cancelled), cancellationToken);
                var retrying = await UpdateAsync(message.Id, m =>
                {
                    m.Attempts++;
                    m.State = OutboundMessageState.Retrying;
                    m.ErrorMessage = Truncate($"print queue: {ex.Message}", 1000);
                    m.SendingAt = null;
                    m.UpdatedAt = Now;
                }, cancellationToken);
                LogNotHandedOver(logger, message.Id, ex.Message);
                return Result(SendStatus.NotSent, retrying, ex.Message) with { AttemptId = message.ContactAttemptId };
            }
        }

        var sent = await UpdateAsync(message.Id, m =>
        {
            m.Attempts++;
            m.State = OutboundMessageState.Sent;
            m.ProviderId = name;
            m.UpdatedAt = Now;
        }, cancellationToken);
        // The letter is with the print shop: for the ledger it has left, as a message handed to the carrier has.
        await ledger.CompleteAsync(message.ContactAttemptId!.Value, new ContactResult(ContactOutcome.Sent, ExternalId: name), cancellationToken);
        LogHandedOver(logger, message.Id, name);
        return Result(SendStatus.Sent, sent);
    }

    private async Task<Prepared> PrepareAsync(LetterRequest request, CancellationToken cancellationToken)
    {
        var template = LetterTemplates.Find(request.Template);
        if (template is null)
        {
            return Prepared.Fail($"no letter template '{request.Template}'");
        }

        Debtor? debtor;
        await using (var db = createContext())
        {
            debtor = await db.Accounts.AsNoTracking().Where(a => a.Id == request.AccountId)
                .Join(db.Debtors.AsNoTracking().Include(d => d.Addresses).Include(d => d.Phones), a => a.DebtorId, d => d.Id, (a, d) => d)
                .FirstOrDefaultAsync(cancellationToken);
        }

        if (debtor is null)
        {
            return Prepared.Fail($"account {request.AccountId} does not exist");
        }

        var address = debtor.CurrentAddress;
        if (address is null)
        {
            return Prepared.Fail("the debtor has no postal address");
        }

        // One rule for every channel: the debtor's language when we write in it, else English; never another one silently.
        var language = templates.LanguageFor(debtor.PreferredLanguage);
        // The letter is dated in the debtor's calendar (the day it is printed where they live).
        var today = Now.InZone(DebtorZoneResolver.Resolve(debtor)?.Primary ?? DateTimeZone.Utc).Date;
        var model = await composer.ComposeAsync(request.AccountId, template.Kind, today, cancellationToken);
        if (model is null)
        {
            return Prepared.Fail($"account {request.AccountId} does not exist");
        }

        model = model with { Language = language, SuspensionWarning = template.SuspensionWarning };
        // A confirmation without the agreement it confirms would be a different letter: it fails instead.
        var missing = template.Kind switch
        {
            LetterKind.SettlementConfirmation when model.Arrangement?.SettlementAmount is null => "the account has no agreed settlement to confirm",
            LetterKind.InstalmentPlanConfirmation when model.Arrangement is not { Instalments.Count: > 0 } => "the account has no active instalment plan to confirm",
            LetterKind.PreInstalmentReminder when model.Arrangement is not { Instalments.Count: > 0 } => "the account's plan has no instalment still to come",
            _ => null,
        };
        if (missing is not null)
        {
            return Prepared.Fail($"letter '{request.Template}': {missing}");
        }

        byte[] pdf;
        try
        {
            pdf = renderer.Render(model);
        }
        catch (LetterTextException ex)
        {
            return Prepared.Fail($"letter '{request.Template}' in '{language}': {ex.Message}");
        }

        var line = string.Join(", ", new[] { address.Street, $"{address.PostalCode} {address.City}".Trim(), address.Country }.Where(p => !string.IsNullOrWhiteSpace(p)));
        var title = $"{template.Kind} {model.Reference}";
        var description = new StringBuilder()
            .Append(CultureInvariant($"{template.Kind}: {model.Currency} {model.Total:0.00} on {model.Reference} for {model.CreditorName}"))
            .Append(model.Arrangement is { SettlementAmount: { } amount, SettlementPayBy: { } payBy } ? CultureInvariant($"; settlement {model.Currency} {amount:0.00} by {payBy:uuuu-MM-dd}") : "")
            .Append(model.Arrangement is { Instalments: [var first, ..] } plan ? CultureInvariant($"; {plan.Instalments.Count} instalments from {first.DueOn:uuuu-MM-dd}") : "")
            .ToString();
        return new Prepared(model, debtor.Id, line, language, model.Reference, title, description, pdf, null);
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>The file's name, fixed when the row is made: date, reference and template for the print room, the row's id
    /// for uniqueness. Characters outside letters, digits, '-' and '_' are replaced.</summary>
    private static string FileName(OutboundMessage message, string reference, string template)
    {
        static string Safe(string text) => new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return $"{message.CreatedAt.InUtc().Date:yyyyMMdd}-{Safe(reference)}-{Safe(template)}-{message.Id.Value:N}.pdf";
    }

    private async Task<OutboundMessage> UpdateAsync(OutboundMessageId id, Action<OutboundMessage> change, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var message = await db.OutboundMessages.FirstAsync(m => m.Id == id, cancellationToken);
        change(message);
        await db.SaveChangesAsync(cancellationToken);
        return message;
    }

    private static SendResult Result(SendStatus status, OutboundMessage message, string? error = null) =>
        new(status, message.Id, message.State, message.ProviderId, Error: error, AttemptId: message.ContactAttemptId);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private sealed record Prepared(LetterModel? Model, DebtorId DebtorId, string? Address, string? Language, string? Reference, string? Title, string? Description, byte[]? Pdf, string? Error)
    {
        public static Prepared Fail(string error) => new(null, default, null, null, null, null, null, null, error);
    }

    [LoggerMessage(EventId = 5181, Level = LogLevel.Information, Message = "Letter {MessageId} handed to the print queue as {File}")]
    private static partial void LogHandedOver(ILogger logger, OutboundMessageId messageId, string file);

    [LoggerMessage(EventId = 5182, Level = LogLevel.Warning, Message = "Letter {MessageId} not handed over, will be retried: {Error}")]
    private static partial void LogNotHandedOver(ILogger logger, OutboundMessageId messageId, string error);

    [LoggerMessage(EventId = 5183, Level = LogLevel.Information, Message = "Letter {MessageId} was being handed over when the process stopped; file present: {Present}")]
    private static partial void LogResumed(ILogger logger, OutboundMessageId messageId, bool present);
}
