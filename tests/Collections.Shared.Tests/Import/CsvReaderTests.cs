using Collections.Shared.Domain;
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

public sealed class AccountRowParserTests
{
    private static (AccountRow? Row, List<ImportError>? Errors) Parse(string phone)
    {
        var (parser, _, _) = AccountRowParser.FromHeader(new CsvRecord(1, ["creditor", "account_ref", "debtor_type", "last_name", "country", "currency", "principal", "due_date", "phone"]));
        return parser!.Parse(new CsvRecord(2, ["C", "A", "consumer", "Weiß", "DE", "EUR", "10", "2026-01-31", phone]));
    }

    [Theory]
    [InlineData("+49 (30) 123-45678", "+493012345678", PhoneKind.Landline)]
    [InlineData("030/12345678", "+493012345678", PhoneKind.Landline)]
    [InlineData("0151.2345.6789", "+4915123456789", PhoneKind.Mobile)]
    [InlineData("0049 151 23456789", "+4915123456789", PhoneKind.Mobile)]
    public void Phone_numbers_in_any_national_or_international_form_are_stored_as_E164(string raw, string e164, PhoneKind kind)
    {
        var (row, errors) = Parse(raw);
        Assert.Null(errors);
        Assert.Equal((e164, kind), (row!.Phones[0].E164, row.Phones[0].Kind));
    }

    [Theory]
    [InlineData("+49 30")]
    [InlineData("12")]
    [InlineData("not a number")]
    public void Invalid_numbers_are_refused_naming_the_phone_column(string raw)
    {
        var (_, errors) = Parse(raw);
        Assert.Equal("phone", Assert.Single(errors!).Column);
    }
}
