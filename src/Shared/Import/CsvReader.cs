using System.Text;

namespace Collections.Shared.Import;

/// <summary>One record of a CSV file with the physical line it starts on (1-based, header is line 1).</summary>
public sealed record CsvRecord(long Line, string[] Fields);

/// <summary>Streaming RFC 4180 reader: quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF,
/// and a delimiter detected from the header (comma or semicolon, as European spreadsheets write).</summary>
public sealed class CsvReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly StringBuilder _field = new();
    private readonly List<string> _fields = [];
    private long _line = 1;
    private char _delimiter;

    public CsvReader(TextReader reader, char? delimiter = null)
    {
        _reader = reader;
        _delimiter = delimiter ?? '\0';
    }

    /// <summary>The delimiter in use (detected from the first line unless given).</summary>
    public char Delimiter => _delimiter;

    /// <summary>Reads the next record, or null at the end. Blank lines are skipped.</summary>
    public CsvRecord? Read()
    {
        while (true)
        {
            var start = _line;
            if (!ReadFields())
            {
                return null;
            }

            if (_fields is [""])
            {
                continue;
            }

            return new CsvRecord(start, [.. _fields]);
        }
    }

    public void Dispose() => _reader.Dispose();

    private bool ReadFields()
    {
        _fields.Clear();
        _field.Clear();
        var c = _reader.Read();
        if (c < 0)
        {
            return false;
        }

        var quoted = false;
        var fieldStarted = false;
        while (true)
        {
            if (c < 0)
            {
                _fields.Add(_field.ToString());
                return true;
            }

            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (_reader.Peek() == '"')
                    {
                        _reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        _line++;
                    }

                    _field.Append(ch);
                }
            }
            else if (ch == '"' && !fieldStarted)
            {
                quoted = true;
                fieldStarted = true;
            }
            else if (ch == '\r' || ch == '\n')
            {
                if (ch == '\r' && _reader.Peek() == '\n')
                {
                    _reader.Read();
                }

                _line++;
                _fields.Add(_field.ToString());
                return true;
            }
            else
            {
                if (_delimiter == '\0' && (ch == ',' || ch == ';'))
                {
                    _delimiter = ch;
                }

                if (ch == _delimiter)
                {
                    _fields.Add(_field.ToString());
                    _field.Clear();
                    fieldStarted = false;
                }
                else
                {
                    _field.Append(ch);
                    fieldStarted = true;
                }
            }

            c = _reader.Read();
        }
    }
}
