using System.Globalization;

namespace Collections.Shared.Reporting;

/// <summary>Writes CSV lines as RFC 4180 section 2 asks: a field with a comma, a double quote or a line break is enclosed in
/// double quotes, and a double quote inside it is doubled.
/// <para>
/// Every CSV the product writes goes through here, and a creditor opens it in a spreadsheet: a value from a debtor or an
/// import that starts with <c>= + - @</c>, a tab or a carriage return would run there as a formula (CSV injection, OWASP).
/// Such a value is written with a leading apostrophe, which spreadsheets show as text; numbers (a negative amount) stay
/// numbers.
/// </para></summary>
public static class Csv
{
    /// <summary>One record of <paramref name="fields"/>, without the line break.</summary>
    public static string Line(params string[] fields) => string.Join(',', fields.Select(Field));

    private static string Field(string value)
    {
        var safe = Neutralise(value);
        return safe.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{safe.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : safe;
    }

    /// <summary><paramref name="value"/>, or with a leading apostrophe when a spreadsheet would read it as a formula.</summary>
    public static string Neutralise(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
        && !decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)
            ? "'" + value
            : value;
}
