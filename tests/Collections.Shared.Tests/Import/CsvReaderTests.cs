using Collections.Shared.Import;

namespace Collections.Shared.Tests.Import;

public sealed class CsvReaderTests
{
    private static List<CsvRecord> ReadAll(string text)
    {
        using var reader = new CsvReader(new StringReader(text));
        var list = new List<CsvRecord>();
        while (reader.Read() is { } record)
        {
            list.Add(record);
        }

        return list;
    }

    [Fact]
    public void Quoted_fields_keep_delimiters_quotes_and_line_breaks_and_lines_are_counted_physically()
    {
        var records = ReadAll("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n1,2,3\n");
        Assert.Equal(3, records.Count);
        Assert.Equal(["x, y", "say \"hi\"", "two\nlines"], records[1].Fields);
        Assert.Equal(2, records[1].Line);
        Assert.Equal(4, records[2].Line);
    }

    [Fact]
    public void Semicolon_files_are_detected_from_the_header()
    {
        using var reader = new CsvReader(new StringReader("creditor;principal\nA;1234,56\n"));
        reader.Read();
        var row = reader.Read()!;
        Assert.Equal(';', reader.Delimiter);
        Assert.Equal(["A", "1234,56"], row.Fields);
    }

    [Fact]
    public void Blank_lines_are_skipped_but_still_counted()
    {
        var records = ReadAll("h\n\nv\n");
        Assert.Equal(2, records.Count);
        Assert.Equal(3, records[1].Line);
    }
}
