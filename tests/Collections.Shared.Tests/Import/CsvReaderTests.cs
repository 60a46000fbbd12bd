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
    public void A_nul_character_before_the_delimiter_is_known_stays_in_its_value()
    {
        // Found by CsvRoundTripProperties: '\0' meant "delimiter not detected yet", so a NUL in the header's first value ended it.
        var records = ReadAll("a\0b,c\n1,2\n");
        Assert.Equal(["a\0b", "c"], records[0].Fields);
        Assert.Equal(["1", "2"], records[1].Fields);
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
    public void A_quote_never_closed_is_a_problem_of_its_first_line_and_the_lines_after_it_are_read_again()
    {
        var records = ReadAll("a,b,c\n1,\"x,3\n4,5,6\r\n7,8,9");
        Assert.Equal([(1L, (string?)null), (2L, "a quote opened in this value is never closed"), (3L, null), (4L, null)], records.Select(r => (r.Line, r.Problem)));
        Assert.Equal(1, records[1].ProblemField);
        Assert.Equal(["4", "5", "6"], records[2].Fields);
        Assert.Equal(["7", "8", "9"], records[3].Fields);
    }

    [Fact]
    public void A_quote_closed_by_the_opening_quote_of_a_later_line_does_not_take_the_lines_between()
    {
        var records = ReadAll("a,b,c\n1,\"x,3\n4,5,6\n7,\"eight\",9\n");
        Assert.Equal([false, true, false, false], records.Select(r => r.Problem is not null));
        Assert.Equal(1, records[1].ProblemField);
        Assert.Equal([1L, 2L, 3L, 4L], records.Select(r => r.Line));
        Assert.Equal(["7", "eight", "9"], records[3].Fields);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_a_problem_of_that_value()
    {
        var records = ReadAll("a,b\n\"Acme \"Best\" Ltd\",2\n3,4\n");
        Assert.Equal(0, records[1].ProblemField);
        Assert.Contains("text follows the closing quote", records[1].Problem, StringComparison.Ordinal);
        Assert.Null(records[2].Problem);
    }

    [Fact]
    public void An_overlong_value_is_cut_at_the_limit_and_named()
    {
        var records = ReadAll($"a,b\n1,{new string('x', CsvReader.MaxFieldChars + 10)}\n3,4\n");
        Assert.Equal(1, records[1].ProblemField);
        Assert.Equal(CsvReader.MaxFieldChars, records[1].Fields[1].Length);
        Assert.Equal(["3", "4"], records[2].Fields);
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
