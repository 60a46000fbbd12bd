using Collections.Dialer.Messaging.Email;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Dialer.Outreach.Reports;

/// <summary>
/// Sends each creditor its report for the last complete period of its <see cref="ReportFrequency"/> (weekly: Monday to Sunday;
/// monthly: the calendar month) to the addresses in <see cref="Creditor.ReportEmail"/>, with the PDF and both CSV files
/// attached, once per period: <see cref="CreditorTerms.ReportedUntil"/> records the period sent, so a run after the host was
/// down sends what was missed and a second run sends nothing again. Seed 000: "regular status reports to the creditor (e-mail)".
/// </summary>
public sealed partial class CreditorReportMailer(
    Func<CollectionsDbContext> contexts, CreditorReportRenderer renderer, SmtpEmailSender smtp, string agencyName, TimeProvider time, ILogger<CreditorReportMailer> logger)
{
    /// <summary>The last complete period of <paramref name="frequency"/> before <paramref name="today"/>; null for <see cref="ReportFrequency.None"/>.</summary>
    public static (LocalDate From, LocalDate To)? LastPeriod(ReportFrequency frequency, LocalDate today) => frequency switch
    {
        ReportFrequency.Weekly => (today.PlusDays(-((int)today.DayOfWeek - 1)).PlusWeeks(-1), today.PlusDays(-((int)today.DayOfWeek - 1)).PlusDays(-1)),
        ReportFrequency.Monthly => (today.With(DateAdjusters.StartOfMonth).PlusMonths(-1), today.With(DateAdjusters.StartOfMonth).PlusDays(-1)),
        _ => null,
    };

    /// <summary>The recipients in <paramref name="reportEmail"/> (separated by commas or semicolons).</summary>
    public static IReadOnlyList<string> Recipients(string? reportEmail) =>
        (reportEmail ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Sends every report that is due; returns how many were sent. A report the SMTP server did not take stays due
    /// and is sent by the next run.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var today = Instant.FromDateTimeOffset(time.GetUtcNow()).InUtc().Date;
        List<Creditor> creditors;
        await using (var db = contexts())
        {
            creditors = await db.Creditors.AsNoTracking().Where(c => c.Terms.ReportFrequency != ReportFrequency.None).ToListAsync(cancellationToken);
        }

        var sent = 0;
        foreach (var creditor in creditors.OrderBy(c => c.Code, StringComparer.Ordinal))
        {
            var recipients = Recipients(creditor.ReportEmail);
            if (LastPeriod(creditor.Terms.ReportFrequency, today) is not { } period || creditor.Terms.ReportedUntil >= period.To)
            {
                continue;
            }

            if (recipients.Count == 0)
            {
                LogNoRecipients(logger, creditor.Code);
                continue;
            }

            if (await SendAsync(creditor, recipients, period.From, period.To, cancellationToken))
            {
                sent++;
            }
        }

        return sent;
    }

    private async Task<bool> SendAsync(Creditor creditor, IReadOnlyList<string> recipients, LocalDate from, LocalDate to, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("creditor-report-").FullName;
        try
        {
            await using var db = contexts();
            var report = await CreditorReportFiles.WriteAsync(db, renderer, agencyName, creditor.Code, from, to, folder, cancellationToken);
            if (report is null)
            {
                return false;
            }

            var period = $"{from:yyyy-MM-dd} – {to:yyyy-MM-dd}";
            var lines = report.Currencies.Select(f => $"{f.Currency}: collected {f.Collected:0.00}, commission {f.Commission:0.00}, passed on {f.Remitted:0.00}; recovery rate {f.RecoveryRate * 100:0.00} %");
            var body = $"Status report and remittance statement for {creditor.Name} ({creditor.Code}), {period}.\n\n{string.Join('\n', lines)}\n\n"
                + $"Attached: {CreditorReportFiles.Pdf} (figures and charts), {CreditorReportFiles.Accounts} (every account's status), {CreditorReportFiles.Remittance} (the period's payments, commission and amount passed on).\n\n{agencyName}";
            var attachments = new[]
            {
                new EmailAttachment(CreditorReportFiles.Pdf, "application/pdf", await File.ReadAllBytesAsync(Path.Combine(folder, CreditorReportFiles.Pdf), cancellationToken)),
                new EmailAttachment(CreditorReportFiles.Accounts, "text/csv", await File.ReadAllBytesAsync(Path.Combine(folder, CreditorReportFiles.Accounts), cancellationToken)),
                new EmailAttachment(CreditorReportFiles.Remittance, "text/csv", await File.ReadAllBytesAsync(Path.Combine(folder, CreditorReportFiles.Remittance), cancellationToken)),
            };
            var message = smtp.Compose(creditor.Name, recipients[0], $"Status report {creditor.Code} {period}", body, attachments);
            foreach (var other in recipients.Skip(1))
            {
                message.To.Add(new MimeKit.MailboxAddress(creditor.Name, other));
            }

            try
            {
                await smtp.SendAsync(message, cancellationToken);
            }
            catch (SmtpNotSentException ex)
            {
                LogNotSent(logger, creditor.Code, period, ex.Message);
                return false;
            }

            var stored = await db.Creditors.FirstAsync(c => c.Id == creditor.Id, cancellationToken);
            stored.Terms.ReportedUntil = to;
            await db.SaveChangesAsync(cancellationToken);
            LogSent(logger, creditor.Code, period, recipients.Count);
            return true;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [LoggerMessage(EventId = 5251, Level = LogLevel.Information, Message = "Creditor report {Creditor} {Period} e-mailed to {Recipients} recipient(s)")]
    private static partial void LogSent(ILogger logger, string creditor, string period, int recipients);

    [LoggerMessage(EventId = 5252, Level = LogLevel.Warning, Message = "Creditor report {Creditor} {Period} not sent, the next run tries again: {Error}")]
    private static partial void LogNotSent(ILogger logger, string creditor, string period, string error);

    [LoggerMessage(EventId = 5253, Level = LogLevel.Warning, Message = "Creditor {Creditor} has a report frequency but no report e-mail address: no report sent")]
    private static partial void LogNoRecipients(ILogger logger, string creditor);
}
