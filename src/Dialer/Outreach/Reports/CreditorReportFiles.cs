using System.Text;
using Collections.Shared.Persistence;
using Collections.Shared.Reporting;
using NodaTime;

namespace Collections.Dialer.Outreach.Reports;

/// <summary>Writes a creditor's report as its three files: <c>report.pdf</c>, <c>accounts.csv</c> and <c>remittance.csv</c>
/// (UTF-8, RFC 4180), for the CLI and the scheduled e-mail alike.</summary>
public static class CreditorReportFiles
{
    public const string Pdf = "report.pdf";
    public const string Accounts = "accounts.csv";
    public const string Remittance = "remittance.csv";

    /// <summary>Builds the report into <paramref name="directory"/> (created when missing); null when there is no creditor
    /// <paramref name="creditorCode"/> (nothing is written then).</summary>
    public static async Task<CreditorReport?> WriteAsync(CollectionsDbContext db, CreditorReportRenderer renderer, string agencyName, string creditorCode,
        LocalDate from, LocalDate to, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(renderer);
        Directory.CreateDirectory(directory);
        var accountsPath = Path.Combine(directory, Accounts);
        var remittancePath = Path.Combine(directory, Remittance);
        CreditorReport? report;
        await using (var accounts = new StreamWriter(accountsPath, false, new UTF8Encoding(false), 1 << 16))
        await using (var remittance = new StreamWriter(remittancePath, false, new UTF8Encoding(false), 1 << 16))
        {
            accounts.NewLine = remittance.NewLine = "\r\n";   // RFC 4180 section 2: records end with CRLF
            report = await new CreditorReportBuilder(db).BuildAsync(creditorCode, from, to, accounts, remittance, cancellationToken);
        }

        if (report is null)
        {
            File.Delete(accountsPath);
            File.Delete(remittancePath);
            return null;
        }

        await File.WriteAllBytesAsync(Path.Combine(directory, Pdf), renderer.Render(report, agencyName), cancellationToken);
        return report;
    }
}
