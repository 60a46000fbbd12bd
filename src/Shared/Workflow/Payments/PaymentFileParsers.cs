using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Collections.Shared.Domain;
using Collections.Shared.Import;
using NodaTime;
using NodaTime.Text;

namespace Collections.Shared.Workflow;

/// <summary>One incoming payment read from a file, before matching.</summary>
/// <param name="Line">Line of the file it came from (the CSV row, or the camt.053 Ntry element).</param>
/// <param name="ReceivedOn">Booking date.</param>
/// <param name="Amount">Amount credited.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Reference">Remittance information the payer gave.</param>
/// <param name="PayerAccount">Payer's IBAN or account number.</param>
/// <param name="PayerName">Payer's name (not stored; shown to the person working the unmatched queue).</param>
/// <param name="Method">How it was paid.</param>
/// <param name="BankReference">The bank's own id of the entry, when it gives one.</param>
public sealed record PaymentRecord(int Line, LocalDate ReceivedOn, decimal Amount, string Currency, string? Reference, string? PayerAccount, string? PayerName, PaymentMethod Method, string? BankReference);

/// <summary>A line of a payment file that was refused, or that went to the unmatched queue.</summary>
/// <param name="Line">Line in the file.</param>
/// <param name="Kind">"rejected" (bad row, not stored), "unmatched" (stored, waits for a person) or "duplicate" (already imported).</param>
/// <param name="Column">The column or element at fault, when one is.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Reference">The remittance reference, for unmatched rows.</param>
public sealed record PaymentImportIssue(int Line, string Kind, string? Column, string Message, string? Reference = null);

/// <summary>Reads payment files: CSV (docs/workflow.md) and ISO 20022 camt.053 bank-to-customer statements.</summary>
public static class PaymentFileParsers
{
    /// <summary>Header names of the CSV format; the first four are required.</summary>
    public static readonly string[] CsvColumns = ["received_on", "amount", "currency", "reference", "payer_account", "payer_name", "method", "bank_reference"];

    /// <summary>"camt.053" when the file's first non-blank character opens XML, otherwise "csv".</summary>
    public static string DetectFormat(string path)
    {
        using var reader = new StreamReader(path);
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (!char.IsWhiteSpace((char)c) && c != '\uFEFF')
            {
                return c == '<' ? "camt.053" : "csv";
            }
        }

        return "csv";
    }

    /// <summary>Reads a payment CSV; good rows go to the result, bad rows to <paramref name="issues"/> with line and column.</summary>
    public static List<PaymentRecord> ReadCsv(TextReader text, List<PaymentImportIssue> issues)
    {
        var records = new List<PaymentRecord>();
        using var csv = new CsvReader(text);
        var header = csv.Read();
        if (header is null)
        {
            issues.Add(new(1, "rejected", null, "the file is empty"));
            return records;
        }

        // A column named twice is refused by name (the importer cannot know which one the sender meant); other repeated
        // headers (two blank ones, two "notes") are not read and do not matter.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var twice = new List<string>();
        for (var i = 0; i < header.Fields.Length; i++)
        {
            var name = header.Fields[i].Trim().ToLowerInvariant();
            if (!index.TryAdd(name, i) && CsvColumns.Contains(name) && !twice.Contains(name))
            {
                twice.Add(name);
            }
        }

        if (twice.Count > 0)
        {
            issues.Add(new((int)header.Line, "rejected", string.Join(",", twice), $"the header names the column(s) {string.Join(", ", twice)} twice"));
            return records;
        }

        var missing = CsvColumns.Take(4).Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            issues.Add(new((int)header.Line, "rejected", string.Join(",", missing), $"header lacks the required column(s) {string.Join(", ", missing)}"));
            return records;
        }

        while (csv.Read() is { } row)
        {
            var line = (int)row.Line;
            string? Field(string name) => index.TryGetValue(name, out var i) && i < row.Fields.Length && !string.IsNullOrWhiteSpace(row.Fields[i]) ? row.Fields[i].Trim() : null;
            if (row.Problem is not null)
            {
                var column = header.Fields.ElementAtOrDefault(row.ProblemField)?.Trim();
                issues.Add(new(line, "rejected", column, row.Problem));
                continue;
            }

            if (row.Fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var date = LocalDatePattern.Iso.Parse(Field("received_on") ?? string.Empty);
            if (!date.Success)
            {
                issues.Add(new(line, "rejected", "received_on", $"'{Field("received_on")}' is not a date (yyyy-MM-dd)"));
                continue;
            }

            if (!decimal.TryParse(Field("amount"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
            {
                issues.Add(new(line, "rejected", "amount", $"'{Field("amount")}' is not a positive amount with a decimal point"));
                continue;
            }

            var currency = Field("currency")?.ToUpperInvariant();
            if (!Currencies.IsKnown(currency))
            {
                issues.Add(new(line, "rejected", "currency", $"'{Field("currency")}' is not an ISO 4217 currency"));
                continue;
            }

            if (!TryMethod(Field("method"), out var method))
            {
                issues.Add(new(line, "rejected", "method", $"'{Field("method")}' is not one of bank-transfer, direct-debit, card, cash, cheque, other"));
                continue;
            }

            records.Add(new(line, date.Value, amount, currency!, Field("reference"), Field("payer_account"), Field("payer_name"), method, Field("bank_reference")));
        }

        return records;
    }

    /// <summary>
    /// Reads the credit entries of an ISO 20022 camt.053 statement (any version: elements are matched by local name).
    /// Per entry (Ntry): Amt with its Ccy, CdtDbtInd, BookgDt, AcctSvcrRef, and per transaction (NtryDtls/TxDtls) the
    /// remittance information (RmtInf/Ustrd or the structured creditor reference RmtInf/Strd/CdtrRefInf/Ref) and the debtor's
    /// account (RltdPties/DbtrAcct/Id/IBAN). Debits are not payments to us and are skipped.
    /// </summary>
    public static List<PaymentRecord> ReadCamt053(TextReader text, List<PaymentImportIssue> issues)
    {
        var records = new List<PaymentRecord>();
        XDocument document;
        try
        {
            document = XDocument.Load(text, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            issues.Add(new(ex.LineNumber, "rejected", null, $"not well-formed XML: {ex.Message}"));
            return records;
        }

        if (document.Root?.Name.LocalName != "Document" || Child(document.Root, "BkToCstmrStmt") is null)
        {
            issues.Add(new(1, "rejected", "Document", "not a camt.053 statement (no Document/BkToCstmrStmt)"));
            return records;
        }

        foreach (var entry in document.Descendants().Where(e => e.Name.LocalName == "Ntry"))
        {
            var line = ((IXmlLineInfo)entry).LineNumber;
            if (Child(entry, "CdtDbtInd")?.Value.Trim() == "DBIT")
            {
                continue;
            }

            var booked = Child(Child(entry, "BookgDt"), "Dt")?.Value ?? Child(Child(entry, "ValDt"), "Dt")?.Value;
            var date = LocalDatePattern.Iso.Parse(booked ?? string.Empty);
            if (!date.Success)
            {
                issues.Add(new(line, "rejected", "BookgDt", $"'{booked}' is not a booking date"));
                continue;
            }

            var transactions = Child(entry, "NtryDtls")?.Elements().Where(e => e.Name.LocalName == "TxDtls").ToList() ?? [];
            if (transactions.Count == 0)
            {
                transactions = [entry];
            }

            var bankRef = Child(entry, "AcctSvcrRef")?.Value.Trim();
            for (var i = 0; i < transactions.Count; i++)
            {
                var tx = transactions[i];
                var txLine = ((IXmlLineInfo)tx).LineNumber;
                // A batch-booked entry carries one amount per transaction; a single one may rely on the entry's.
                var amountElement = (transactions.Count > 1 ? Child(tx, "Amt") ?? Child(Child(Child(tx, "AmtDtls"), "TxAmt"), "Amt") : null) ?? Child(entry, "Amt");
                if (amountElement is null || !decimal.TryParse(amountElement.Value.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
                {
                    issues.Add(new(txLine, "rejected", "Amt", $"'{amountElement?.Value}' is not a positive amount"));
                    continue;
                }

                var currency = amountElement.Attribute("Ccy")?.Value.Trim().ToUpperInvariant();
                if (!Currencies.IsKnown(currency))
                {
                    issues.Add(new(txLine, "rejected", "Amt/@Ccy", $"'{currency}' is not an ISO 4217 currency"));
                    continue;
                }

                var remittance = Child(tx, "RmtInf");
                var reference = Child(Child(Child(remittance, "Strd"), "CdtrRefInf"), "Ref")?.Value.Trim()
                    ?? string.Join(' ', remittance?.Elements().Where(e => e.Name.LocalName == "Ustrd").Select(e => e.Value.Trim()) ?? []);
                var parties = Child(tx, "RltdPties");
                var iban = Child(Child(Child(parties, "DbtrAcct"), "Id"), "IBAN")?.Value.Trim();
                var name = Child(Child(parties, "Dbtr"), "Nm")?.Value.Trim() ?? Child(Child(Child(parties, "Dbtr"), "Pty"), "Nm")?.Value.Trim();
                var txRef = Child(Child(tx, "Refs"), "AcctSvcrRef")?.Value.Trim() ?? (bankRef is null ? null : transactions.Count > 1 ? $"{bankRef}/{i + 1}" : bankRef);
                var method = Child(Child(Child(entry, "BkTxCd"), "Domn"), "Fmly")?.Elements().FirstOrDefault(e => e.Name.LocalName == "Cd")?.Value.Trim() switch
                {
                    // ISO 20022 bank transaction code families: received direct debits, card, cheques, counter (cash).
                    "RDDT" => PaymentMethod.DirectDebit,
                    "CCRD" => PaymentMethod.Card,
                    "RCHQ" => PaymentMethod.Cheque,
                    "CNTR" => PaymentMethod.Cash,
                    _ => PaymentMethod.BankTransfer,
                };
                records.Add(new(txLine, date.Value, amount, currency!, string.IsNullOrWhiteSpace(reference) ? null : reference, iban, name, method, txRef));
            }
        }

        return records;
    }

    private static XElement? Child(XElement? parent, string localName) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    private static bool TryMethod(string? value, out PaymentMethod method)
    {
        method = PaymentMethod.BankTransfer;
        if (value is null)
        {
            return true;
        }

        return Enum.TryParse(value.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out method)
            && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) && Enum.IsDefined(method);
    }
}
