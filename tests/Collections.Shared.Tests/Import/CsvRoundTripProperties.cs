using System.Text;
using Collections.Shared.Import;
using FsCheck;
using FsCheck.Fluent;

namespace Collections.Shared.Tests.Import;

/// <summary>
/// Property tests (FsCheck): whatever a spreadsheet writes as RFC 4180 (values quoted when they hold the delimiter, a quote
/// or a line break; quotes doubled; CRLF or LF; comma or semicolon) CsvReader reads back as the same records, each with
/// the physical line it starts on.
/// </summary>
public sealed class CsvRoundTripProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    /// <summary>Values with every character that matters to CSV, plus letters, non-ASCII text and control characters.</summary>
    private static readonly Gen<string> Value = Gen.Frequency(
            (6, Gen.Elements("a", "b", "X", "0", "9", " ", ".", "-", "ä", "ß", "€", "😀")),
            (3, Gen.Elements(",", ";", "\"", "\r", "\n", "\t")),
            (1, Gen.Elements("\0", "\u0001", "\uFEFF", "\u2028")))
        .ListOf().Select(string.Concat);

    private static readonly Gen<(string[][] Records, char Delimiter, string NewLine, bool QuoteAll)> File =
        from width in Gen.Choose(2, 6)
        from records in Value.ArrayOf(width).NonEmptyListOf()
        from delimiter in Gen.Elements(',', ';')
        from newLine in Gen.Elements("\r\n", "\n")
        from quoteAll in Gen.Elements(true, false)
        select (records.ToArray(), delimiter, newLine, quoteAll);

    private static string Write(string[][] records, char delimiter, string newLine, bool quoteAll)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < records.Length; i++)
        {
            // The reader finds the delimiter in the header, so there the writer quotes both candidates (RFC 4180 lets any value be quoted).
            char[] special = i == 0 ? [',', ';', '"', '\r', '\n'] : [delimiter, '"', '\r', '\n'];
            sb.AppendJoin(delimiter, records[i].Select(v => quoteAll || v.IndexOfAny(special) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v));
            sb.Append(newLine);
        }

        return sb.ToString();
    }

    [Fact]
    public void WriteThenRead_GivesTheSameRecordsAndLines()
    {
        Prop.ForAll(File.ToArbitrary(), file =>
        {
            var text = Write(file.Records, file.Delimiter, file.NewLine, file.QuoteAll);
            using var reader = new CsvReader(new StringReader(text));
            var line = 1L;
            foreach (var expected in file.Records)
            {
                var read = reader.Read();
                Assert.NotNull(read);
                Assert.Null(read.Problem);
                Assert.Equal(expected, read.Fields);
                Assert.Equal(line, read.Line);
                // Each record takes one line plus one per line break inside its values (a lone CR inside quotes is no line break).
                line += 1 + expected.Sum(v => v.Count(c => c == '\n'));
            }

            Assert.Null(reader.Read());
            Assert.Equal(file.Delimiter, reader.Delimiter);
        }).Check(Runs);
    }
}
