using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Collections.Shared.Workflow;

/// <summary>Counts of one payment import.</summary>
public sealed record PaymentImportSummary(Guid BatchId, string Format, int Rows, int Matched, int Unmatched, int Rejected, int Duplicates, decimal MatchedAmount, decimal UnmatchedAmount);

/// <summary>Payments received for one creditor in one currency, for the creditor's report (seed 001: received payments passed on).</summary>
public sealed record CreditorPaymentTotal(string CreditorCode, string Currency, int Payments, decimal Amount, decimal Fees, decimal Interest, decimal Principal);

/// <summary>Loads payment files, matches each payment to an account by its reference, posts the matched ones and leaves the
/// rest in the unmatched queue (payments without an account) for a person. Good rows are kept whatever happens to bad ones.</summary>
public sealed class PaymentImporter(CollectionsDbContext db, TimeProvider time, ILogger<PaymentImporter>? logger = null, WorkflowOptions? options = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<PaymentImporter>.Instance;

    /// <summary>Imports <paramref name="path"/> (CSV or camt.053, detected from the content); reports each refused, unmatched
    /// or duplicate line to <paramref name="report"/>.</summary>
    public async Task<PaymentImportSummary> ImportFileAsync(string path, Action<PaymentImportIssue> report, CancellationToken ct = default)
    {
        var format = PaymentFileParsers.DetectFormat(path);
        using var reader = new StreamReader(path);
        return await ImportAsync(reader, Path.GetFileName(path), format, report, ct);
    }

    /// <summary>Imports payments from <paramref name="text"/> in <paramref name="format"/> ("csv" or "camt.053").</summary>
    public async Task<PaymentImportSummary> ImportAsync(TextReader text, string fileName, string format, Action<PaymentImportIssue> report, CancellationToken ct = default)
    {
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var issues = new List<PaymentImportIssue>();
        var records = format == "camt.053" ? PaymentFileParsers.ReadCamt053(text, issues) : PaymentFileParsers.ReadCsv(text, issues);
        var rejected = issues.Count;
        var batch = new PaymentImportBatch { FileName = fileName, Format = format, ImportedAt = now };
        db.PaymentImportBatches.Add(batch);

        int matched = 0, unmatched = 0, duplicates = 0;
        decimal matchedAmount = 0, unmatchedAmount = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var key = DedupKey(record);
            if (!seen.Add(key) || await db.PaymentImportEntries.AnyAsync(e => e.DedupKey == key, ct))
            {
                duplicates++;
                issues.Add(new(record.Line, "duplicate", null, "this payment was imported before", record.Reference));
                continue;
            }

            var (account, reason) = await MatchAsync(record, ct);
            var payment = new Payment
            {
                AccountId = account?.Id,
                Amount = record.Amount,
                Currency = record.Currency,
                ReceivedOn = record.ReceivedOn,
                Reference = Truncate(record.Reference, 140),
                Method = record.Method,
                PayerAccount = Truncate(record.PayerAccount, 34),
                RecordedAt = now,
            };
            db.Payments.Add(payment);
            db.PaymentImportEntries.Add(new PaymentImportEntry { BatchId = batch.Id, Line = record.Line, PaymentId = payment.Id, DedupKey = key, UnmatchedReason = reason });
            if (account is null)
            {
                unmatched++;
                unmatchedAmount += record.Amount;
                issues.Add(new(record.Line, "unmatched", "reference", reason!, record.Reference));
            }
            else
            {
                matched++;
                matchedAmount += record.Amount;
                // Saved before posting so the allocation sees earlier payments of the same file.
                await db.SaveChangesAsync(ct);
                await PaymentPosting.PostAsync(db, payment, now, ct, options);
            }
        }

        batch.Rows = records.Count + rejected;
        batch.Matched = matched;
        batch.Unmatched = unmatched;
        batch.Rejected = rejected;
        batch.Duplicates = duplicates;
        await db.SaveChangesAsync(ct);
        foreach (var issue in issues.OrderBy(i => i.Line))
        {
            report(issue);
        }

        WorkflowLog.PaymentsImported(_logger, fileName, batch.Rows, matched, unmatched, rejected, duplicates);
        return new(batch.Id, format, batch.Rows, matched, unmatched, rejected, duplicates, matchedAmount, unmatchedAmount);
    }

    /// <summary>The unmatched queue: payments without an account, oldest first.</summary>
    public Task<List<Payment>> UnmatchedAsync(CancellationToken ct = default) =>
        db.Payments.AsNoTracking().Where(p => p.AccountId == null).OrderBy(p => p.ReceivedOn).ToListAsync(ct);

    /// <summary>Payments received from <paramref name="first"/> to <paramref name="last"/> (inclusive) per creditor and currency.</summary>
    public Task<IReadOnlyList<CreditorPaymentTotal>> TotalsAsync(LocalDate first, LocalDate last, CancellationToken ct = default) =>
        TotalsAsync(first, last, null, ct);

    /// <summary>As <see cref="TotalsAsync(LocalDate, LocalDate, CancellationToken)"/>, limited to the payments of one import when
    /// <paramref name="batchId"/> is given.</summary>
    public async Task<IReadOnlyList<CreditorPaymentTotal>> TotalsAsync(LocalDate first, LocalDate last, Guid? batchId, CancellationToken ct = default)
    {
        var payments = db.Payments.AsNoTracking().Where(p => p.ReceivedOn >= first && p.ReceivedOn <= last);
        if (batchId is { } batch)
        {
            payments = payments.Where(p => db.PaymentImportEntries.Any(e => e.BatchId == batch && e.PaymentId == p.Id));
        }

        var rows = await (from p in payments
                          join a in db.Accounts.AsNoTracking() on p.AccountId equals a.Id
                          join c in db.Creditors.AsNoTracking() on a.CreditorId equals c.Id
                          select new { c.Code, p.Currency, p.Amount, p.AllocatedFees, p.AllocatedInterest, p.AllocatedPrincipal }).ToListAsync(ct);
        // Grouped in memory: SQLite cannot sum decimals in SQL.
        return [.. rows.GroupBy(r => (r.Code, r.Currency)).OrderBy(g => g.Key.Code, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => new CreditorPaymentTotal(g.Key.Code, g.Key.Currency, g.Count(), g.Sum(r => r.Amount), g.Sum(r => r.AllocatedFees), g.Sum(r => r.AllocatedInterest), g.Sum(r => r.AllocatedPrincipal)))];
    }

    /// <summary>The account whose creditor reference is the payment's reference, or one word of it ("Rechnung TEL-1001").</summary>
    private async Task<(Account? Account, string? Reason)> MatchAsync(PaymentRecord record, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(record.Reference))
        {
            return (null, "no reference");
        }

        var candidates = record.Reference.Split([' ', ',', ';', '/', ':'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Prepend(record.Reference.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var accounts = await db.Accounts.Where(a => candidates.Contains(a.CreditorReference)).ToListAsync(ct);
        if (accounts.Count == 0)
        {
            return (null, $"no account has the reference '{record.Reference}'");
        }

        var exact = accounts.Where(a => a.CreditorReference == record.Reference.Trim()).ToList();
        var chosen = exact.Count == 1 ? exact : accounts;
        if (chosen.Count > 1)
        {
            return (null, $"reference '{record.Reference}' matches {chosen.Count} accounts");
        }

        var account = chosen[0];
        return account.Currency != record.Currency
            ? (null, $"paid in {record.Currency}, the account is in {account.Currency}")
            : (account, null);
    }

    private static string DedupKey(PaymentRecord r)
    {
        if (!string.IsNullOrWhiteSpace(r.BankReference))
        {
            return Truncate($"bank:{r.BankReference}", 100)!;
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{r.ReceivedOn:yyyy-MM-dd}|{r.Amount:0.####}|{r.Currency}|{r.Reference}|{r.PayerAccount}");
        return $"row:{Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(text)))}";
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
