namespace Collections.Shared.Reporting;

/// <summary>Writes CSV lines as RFC 4180 section 2 asks: a field with a comma, a double quote or a line break is enclosed in
/// double quotes, and a double quote inside it is doubled.</summary>
public static class Csv
{
    /// <summary>One record of <paramref name="fields"/>, without the line break.</summary>
    public static string Line(params string[] fields) => string.Join(',', fields.Select(Field));

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
