using System.Globalization;
using System.Net.Mail;
using System.IO.Hashing;
using System.Text;
using System.Text.RegularExpressions;
using Collections.Shared.Domain;
using NodaTime;
using NodaTime.Text;
using PhoneNumbers;
using static Collections.Shared.Import.AccountCsvFormat;

namespace Collections.Shared.Import;

/// <summary>Turns CSV records into validated <see cref="AccountRow"/>s, collecting every problem of a row with its column.</summary>
public sealed partial class AccountRowParser
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private static readonly HashSet<string> Regions = [.. Phones.GetSupportedRegions()];
    private static readonly LocalDatePattern IsoDate = LocalDatePattern.Iso;
    private static readonly LocalDatePattern DottedDate = LocalDatePattern.CreateWithInvariantCulture("dd'.'MM'.'uuuu");

    private static readonly Dictionary<string, string> LanguageOfCountry = new(StringComparer.Ordinal)
    {
        ["AL"] = "sq", ["XK"] = "sq", ["LV"] = "lv", ["DE"] = "de", ["AT"] = "de", ["CH"] = "de", ["LI"] = "de",
        ["SI"] = "sl", ["HU"] = "hu", ["GB"] = "en", ["US"] = "en", ["IE"] = "en", ["CA"] = "en", ["AU"] = "en",
    };

    private readonly int[] _index;
    private readonly string[] _header;

    /// <summary>The longest value each column takes: the database's limits (SQLite would store any length), so a 10 MB value is
    /// refused at its row rather than stored. Columns not named here take <see cref="DefaultMaxLength"/>.</summary>
    private static readonly Dictionary<string, int> MaxLength = new(StringComparer.Ordinal)
    {
        [AccountCsvFormat.Creditor] = 64, [AccountRef] = 64, [FirstName] = 100, [LastName] = 100, [CompanyName] = 200,
        [Email] = 254, [ConsentSource] = 200, [Street] = 200, [PostalCode] = 20, [City] = 100, [Origin] = 200,
        [AccountCsvFormat.TimeZone] = 64, [Invoices] = 20_000,
    };

    private const int DefaultMaxLength = 64;

    /// <summary>How much of a refused value an error message repeats.</summary>
    private const int ShownChars = 40;

    /// <summary>The language a debtor in <paramref name="country"/> is written to when the file names none: the country's
    /// language where we write in it, else English.</summary>
    public static string LanguageOf(string? country) => country is not null && LanguageOfCountry.TryGetValue(country, out var language) ? language : "en";

    private AccountRowParser(int[] index, string[] header) => (_index, _header) = (index, header);

    /// <summary>Maps the header; returns the parser, or the errors naming each missing required column.</summary>
    public static (AccountRowParser? Parser, IReadOnlyList<ImportError> Errors, IReadOnlyList<string> Ignored) FromHeader(CsvRecord header)
    {
        var index = new int[All.Count];
        Array.Fill(index, -1);
        var ignored = new List<string>();
        var errors = new List<ImportError>();
        for (var i = 0; i < header.Fields.Length; i++)
        {
            var name = Normalize(header.Fields[i]);
            var column = -1;
            for (var c = 0; c < All.Count; c++)
            {
                if (Normalize(All[c]) == name)
                {
                    column = c;
                    break;
                }
            }

            if (column < 0)
            {
                ignored.Add(header.Fields[i]);
            }
            else if (index[column] >= 0)
            {
                errors.Add(new ImportError(header.Line, All[column], $"column '{All[column]}' appears twice in the header"));
            }
            else
            {
                index[column] = i;
            }
        }

        foreach (var required in Required)
        {
            if (index[IndexOf(required)] < 0)
            {
                errors.Add(new ImportError(header.Line, required, $"missing required column '{required}'"));
            }
        }

        return (errors.Count == 0 ? new AccountRowParser(index, [.. header.Fields]) : null, errors, ignored);
    }

    /// <summary>Validates one record; on failure returns every problem found in it, so one pass fixes the row.</summary>
    public (AccountRow? Row, List<ImportError>? Errors) Parse(CsvRecord record)
    {
        List<ImportError>? errors = null;
        void Fail(string column, string message) => (errors ??= []).Add(new ImportError(record.Line, column, message));

        if (record.Problem is not null)
        {
            return (null, [new ImportError(record.Line, ColumnAt(record.ProblemField), record.Problem)]);
        }

        if (record.Fields.Length < _index.Where(i => i >= 0).DefaultIfEmpty(-1).Max() + 1 && record.Fields.Length == 1)
        {
            return (null, [new ImportError(record.Line, null, "row has a single cell: wrong delimiter or a truncated line")]);
        }

        if (record.Fields.Length > _header.Length && record.Fields.AsSpan(_header.Length).ContainsAnyExcept(string.Empty))
        {
            // Nothing is dropped unseen: a value beyond the header is most often a delimiter inside an unquoted value.
            Fail(ColumnAt(_header.Length)!, $"the row has {record.Fields.Length} values but the header {_header.Length} columns: " +
                "a value beyond the header would be lost (an unquoted comma or semicolon inside a value?)");
        }

        for (var c = 0; c < _index.Length; c++)
        {
            var i = _index[c];
            if (i >= 0 && i < record.Fields.Length && CharacterProblem(All[c], record.Fields[i]) is { } problem)
            {
                Fail(All[c], problem);
            }
        }

        var creditor = Text(record, AccountCsvFormat.Creditor);
        if (creditor is null) Fail(AccountCsvFormat.Creditor, "required value is empty");
        else if (creditor.Length > 64) Fail(AccountCsvFormat.Creditor, "longer than 64 characters");

        var accountRef = Text(record, AccountRef);
        if (accountRef is null) Fail(AccountRef, "required value is empty");
        else if (accountRef.Length > 64) Fail(AccountRef, "longer than 64 characters");

        var kind = DebtorKind.Consumer;
        switch (Text(record, DebtorType)?.ToLowerInvariant())
        {
            case "consumer" or "person" or "private" or "individual":
                kind = DebtorKind.Consumer;
                break;
            case "business" or "company" or "commercial":
                kind = DebtorKind.Business;
                break;
            case null:
                Fail(DebtorType, "required value is empty (consumer or business)");
                break;
            case var other:
                Fail(DebtorType, $"{Show(other)} is not a debtor type (consumer or business)");
                break;
        }

        var firstName = Text(record, FirstName);
        var lastName = Text(record, LastName);
        var company = Text(record, CompanyName);
        if (kind == DebtorKind.Consumer && lastName is null) Fail(LastName, "a consumer needs a last name");
        if (kind == DebtorKind.Business && company is null) Fail(CompanyName, "a business needs a company name");

        var country = Text(record, Country)?.ToUpperInvariant();
        if (country is null) Fail(Country, "required value is empty");
        else if (!Regions.Contains(country)) Fail(Country, $"{Show(country)} is not an ISO 3166-1 alpha-2 country code");

        var language = Text(record, Language)?.ToLowerInvariant();
        if (language is not null && !LanguageTag().IsMatch(language)) Fail(Language, $"{Show(language)} is not a language code such as de or hu");
        language ??= LanguageOf(country);

        var zone = Text(record, AccountCsvFormat.TimeZone);
        if (zone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null) Fail(AccountCsvFormat.TimeZone, $"{Show(zone)} is not an IANA time zone such as Europe/Berlin");

        var email = Text(record, Email);
        if (email is not null && !MailAddress.TryCreate(email, out _)) Fail(Email, $"{Show(email)} is not an e-mail address");

        var phones = new List<ImportedPhone>(2);
        ParsePhone(record, Phone, PhoneConsent, country, phones, Fail);
        ParsePhone(record, Phone2, Phone2Consent, country, phones, Fail);

        var industry = Domain.Industry.Other;
        var industryText = Text(record, AccountCsvFormat.Industry);
        if (industryText is not null && !Enum.TryParse(Normalize(industryText), ignoreCase: true, out industry))
        {
            Fail(AccountCsvFormat.Industry, $"{Show(industryText)} is not an industry ({string.Join(", ", Enum.GetNames<Industry>())})");
        }

        var currency = Text(record, Currency)?.ToUpperInvariant();
        if (currency is null) Fail(Currency, "required value is empty");
        else if (!Currencies.IsKnown(currency)) Fail(Currency, $"{Show(currency)} is not an ISO 4217 currency code");

        var principal = Amount(record, Principal, required: true, Fail);
        var interest = Amount(record, AccountCsvFormat.Interest, required: false, Fail);
        var fees = Amount(record, Fees, required: false, Fail);
        var dueDate = Date(record, DueDate, required: true, Fail);
        var dateOfBirth = Date(record, DateOfBirth, required: false, Fail);
        var invoices = ParseInvoices(record, Fail);

        if (errors is not null)
        {
            return (null, errors);
        }

        var row = new AccountRow
        {
            Line = record.Line,
            CreditorCode = creditor!,
            AccountRef = accountRef!,
            DebtorKind = kind,
            FirstName = firstName,
            LastName = lastName,
            CompanyName = company,
            DateOfBirth = dateOfBirth,
            Language = language,
            TimeZone = zone,
            Email = email,
            Phones = phones,
            ConsentSource = Text(record, ConsentSource),
            Street = Text(record, Street),
            PostalCode = Text(record, PostalCode),
            City = Text(record, City),
            Country = country!,
            Industry = industry,
            Origin = Text(record, Origin),
            Currency = currency!,
            Principal = principal ?? 0m,
            Interest = interest ?? 0m,
            Fees = fees ?? 0m,
            DueDate = dueDate ?? default,
            Invoices = invoices,
            Hash = HashOf(record),
        };
        return (row, null);
    }

    /// <summary>The column a 0-based field of a record falls in: its name in the header, or its position beyond it.</summary>
    private string? ColumnAt(int field)
    {
        if (field < 0)
        {
            return null;
        }

        if (field >= _header.Length)
        {
            return $"value {field + 1} (beyond the header)";
        }

        var mapped = Array.IndexOf(_index, field);
        return mapped >= 0 ? All[mapped] : _header[field].Trim();
    }

    /// <summary>What makes a value unfit to store, whatever its column: too long, a control character (NUL, BEL, ESC: never
    /// part of a name or address, and they corrupt the terminals and files they are later written to), or a byte sequence that
    /// was not UTF-8 (decoded as U+FFFD, the replacement character).</summary>
    private static string? CharacterProblem(string column, string value)
    {
        var max = MaxLength.GetValueOrDefault(column, DefaultMaxLength);
        if (value.Length > max && value.Trim().Length > max)
        {
            return $"{Show(value)} is longer than {max} characters";
        }

        var at = value.AsSpan().IndexOfAny(Unfit);
        if (at < 0)
        {
            return null;
        }

        return value[at] == '\uFFFD'
            ? $"{Show(value)} is not UTF-8 text: the file looks like Windows-1252, Latin-1 or Latin-2; save it as \"CSV UTF-8\" or import it with --encoding"
            : $"contains the control character U+{(int)value[at]:X4} at position {at + 1}";
    }

    /// <summary>C0 controls but tab and line breaks (a quoted address may hold those), DEL, and the replacement character.</summary>
    private static readonly System.Buffers.SearchValues<char> Unfit = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 32).Select(c => (char)c).Where(c => c is not ('\t' or '\r' or '\n')), '\u007F', '\uFFFD']);

    /// <summary>A value as an error message repeats it: quoted, at most <see cref="ShownChars"/> characters, controls made visible.</summary>
    internal static string Show(string value)
    {
        var shown = value.Length > ShownChars ? value[..ShownChars] : value;
        var visible = new string([.. shown.Select(c => c < ' ' || c == '\u007F' ? '\uFFFD' : c)]);
        return value.Length > ShownChars ? $"'{visible}...' ({value.Length:N0} characters)" : $"'{visible}'";
    }

    private static int IndexOf(string column)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i] == column) return i;
        }

        throw new ArgumentOutOfRangeException(nameof(column), column, "Unknown column.");
    }

    private string? Text(CsvRecord record, string column)
    {
        var i = _index[IndexOf(column)];
        if (i < 0 || i >= record.Fields.Length) return null;
        var value = record.Fields[i].Trim();
        return value.Length == 0 ? null : value;
    }

    private void ParsePhone(CsvRecord record, string column, string consentColumn, string? country, List<ImportedPhone> phones, Action<string, string> fail)
    {
        var raw = Text(record, column);
        var consentText = Text(record, consentColumn)?.ToLowerInvariant();
        bool consent;
        switch (consentText)
        {
            case null or "no" or "n" or "false" or "0":
                consent = false;
                break;
            case "yes" or "y" or "true" or "1":
                consent = true;
                break;
            default:
                fail(consentColumn, $"{Show(consentText)} is not yes or no");
                return;
        }

        if (raw is null) return;
        try
        {
            // libphonenumber strips formatting characters with repeated StringBuilder removals (the largest cost of
            // an import in the profile); handing it only the digits and a leading plus gives the same result.
            var number = Phones.Parse(DigitsAndPlus(raw), country ?? "ZZ");
            // GetNumberType answers UNKNOWN exactly when IsValidNumber is false (both match the region's number
            // patterns), so one call validates and classifies: phone parsing is most of the validation cost.
            var type = Phones.GetNumberType(number);
            if (type == PhoneNumberType.UNKNOWN)
            {
                fail(column, $"bad E.164 number {Show(raw)}: not a valid number{(country is null ? "" : $" for {country}")}");
                return;
            }

            var kind = type switch
            {
                PhoneNumberType.MOBILE => PhoneKind.Mobile,
                PhoneNumberType.FIXED_LINE => PhoneKind.Landline,
                PhoneNumberType.VOIP => PhoneKind.Voip,
                _ => PhoneKind.Unknown,
            };
            phones.Add(new ImportedPhone(Phones.Format(number, PhoneNumberFormat.E164), kind, Phones.GetRegionCodeForNumber(number) ?? country ?? "ZZ", consent));
        }
        catch (NumberParseException ex)
        {
            fail(column, $"bad E.164 number {Show(raw)}: {ex.Message}");
        }
    }

    private static string DigitsAndPlus(string raw)
    {
        Span<char> buffer = stackalloc char[Math.Min(raw.Length, 64)];
        var n = 0;
        foreach (var c in raw)
        {
            if (n == buffer.Length)
            {
                return raw;
            }

            if (char.IsAsciiDigit(c) || (c == '+' && n == 0))
            {
                buffer[n++] = c;
            }
            else if (c is not (' ' or '-' or '(' or ')' or '.' or '/' or '\u00A0'))
            {
                return raw; // letters (vanity numbers), extensions: leave them to libphonenumber
            }
        }

        return new string(buffer[..n]);
    }

    private decimal? Amount(CsvRecord record, string column, bool required, Action<string, string> fail)
    {
        var text = Text(record, column);
        if (text is null)
        {
            if (required) fail(column, "required value is empty");
            return null;
        }

        // A decimal comma is accepted when no dot is present ("1234,56" from a semicolon-separated file).
        var normalized = text.Contains('.') ? text : text.Replace(',', '.');
        if (!decimal.TryParse(normalized, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            fail(column, $"{Show(text)} is not an amount such as 1234.56");
            return null;
        }

        if (value < 0)
        {
            fail(column, $"negative amount {text}");
            return null;
        }

        return value;
    }

    private LocalDate? Date(CsvRecord record, string column, bool required, Action<string, string> fail)
    {
        var text = Text(record, column);
        if (text is null)
        {
            if (required) fail(column, "required value is empty");
            return null;
        }

        return ParseDate(text) ?? Failed();

        LocalDate? Failed()
        {
            fail(column, $"unparseable date {Show(text)} (expected yyyy-MM-dd or dd.MM.yyyy)");
            return null;
        }
    }

    private static LocalDate? ParseDate(string text)
    {
        var iso = IsoDate.Parse(text);
        if (iso.Success) return iso.Value;
        var dotted = DottedDate.Parse(text);
        return dotted.Success ? dotted.Value : null;
    }

    private List<ImportedInvoice> ParseInvoices(CsvRecord record, Action<string, string> fail)
    {
        var list = new List<ImportedInvoice>();
        var text = Text(record, Invoices);
        if (text is null) return list;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('|', StringSplitOptions.TrimEntries);
            if (parts.Length != 4)
            {
                fail(Invoices, $"invoice {Show(item)} is not number|issued|due|amount");
                continue;
            }

            var issued = ParseDate(parts[1]);
            var due = ParseDate(parts[2]);
            var ok = decimal.TryParse(parts[3], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount);
            if (parts[0].Length is 0 or > 64) fail(Invoices, $"invoice {Show(item)} has no number (or one over 64 characters)");
            else if (!seen.Add(parts[0])) fail(Invoices, $"invoice number {Show(parts[0])} appears twice");
            else if (issued is null || due is null) fail(Invoices, $"invoice {Show(parts[0])} has an unparseable date");
            else if (!ok) fail(Invoices, $"invoice {Show(parts[0])} has a bad or negative amount {Show(parts[3])}");
            else list.Add(new ImportedInvoice(parts[0], issued.Value, due.Value, amount));
        }

        return list;
    }

    private string HashOf(CsvRecord record)
    {
        var builder = new StringBuilder(256);
        foreach (var i in _index)
        {
            builder.Append(i >= 0 && i < record.Fields.Length ? record.Fields[i].Trim() : string.Empty).Append('\u001F');
        }

        // A change detector, not a security boundary: XxHash128 is stable across processes and ~20x cheaper than SHA-256.
        return Convert.ToHexString(XxHash128.Hash(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    [GeneratedRegex("^[a-z]{2,3}(-[a-z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();
}
