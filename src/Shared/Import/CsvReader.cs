using System.Globalization;
using System.Text;

namespace Collections.Shared.Import;

/// <summary>One record of a CSV file with the physical line it starts on (1-based, header is line 1). A record the reader
/// could not read as RFC 4180 says carries its <see cref="Problem"/> and the 0-based field it was found in.</summary>
public sealed record CsvRecord(long Line, string[] Fields, string? Problem = null, int ProblemField = -1);

/// <summary>
/// Streaming RFC 4180 reader: quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF, and a delimiter detected
/// from the header (comma or semicolon, as European spreadsheets write).
/// <para>
/// Malformed input never swallows good rows. A quote that is never closed, or closed and followed by text (RFC 4180 2.5-2.7:
/// a quoted field ends at its closing quote, then a delimiter or the line's end), or a value over
/// <see cref="MaxFieldChars"/>, makes a record with a <see cref="CsvRecord.Problem"/>. When such a quote had run over line
/// breaks, only its first line is the bad record: the lines after it are read again as records of their own.
/// </para>
/// </summary>
public sealed class CsvReader : IDisposable
{
    /// <summary>The longest value kept; a longer one is a problem of its record (a runaway quote, or garbage).</summary>
    public const int MaxFieldChars = 65_536;

    private readonly TextReader _reader;
    private readonly StringBuilder _field = new();
    private readonly List<string> _fields = [];
    private readonly StringBuilder _spill = new();
    private string? _pending;
    private int _pendingAt;
    private bool _spilling;
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
            var problem = ReadFields(start, out var problemField);
            if (problem is null && _fields.Count == 0)
            {
                return null;
            }

            if (problem is null && _fields is [""])
            {
                continue;
            }

            return new CsvRecord(start, [.. _fields], problem, problemField);
        }
    }

    public void Dispose() => _reader.Dispose();

    private int Next()
    {
        int c;
        if (_pending is not null)
        {
            c = _pending[_pendingAt++];
            if (_pendingAt == _pending.Length)
            {
                _pending = null;
            }
        }
        else
        {
            c = _reader.Read();
        }

        if (_spilling && c >= 0)
        {
            _spill.Append((char)c);
        }

        return c;
    }

    private int Peek() => _pending is not null ? _pending[_pendingAt] : _reader.Peek();

    /// <summary>Reads one record's fields into <see cref="_fields"/> (none at the end of the input); returns its problem, if any.</summary>
    private string? ReadFields(long start, out int problemField)
    {
        _fields.Clear();
        _field.Clear();
        problemField = -1;
        string? problem = null;
        var c = Next();
        if (c < 0)
        {
            return null;
        }

        var quoted = false;
        var fieldStarted = false;
        var overlong = false;
        while (true)
        {
            if (c < 0)
            {
                if (quoted)
                {
                    return Unclosed(start, "a quote opened in this value is never closed", out problemField);
                }

                _fields.Add(_field.ToString());
                break;
            }

            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (Peek() == '"')
                    {
                        Next();
                        Append(ch, ref overlong);
                    }
                    else
                    {
                        quoted = false;
                        var after = Peek();
                        if (after >= 0 && (after != _delimiter || _delimiter == '\0') && after is not ('\r' or '\n') && !(_delimiter == '\0' && after is ',' or ';'))
                        {
                            if (_spilling)
                            {
                                return Unclosed(start, "a quote opened in this value is never closed (it paired with a quote on a later line)", out problemField);
                            }

                            problem ??= "text follows the closing quote of this value (a quote inside a value is written twice: \"\")";
                            problemField = problemField < 0 ? _fields.Count : problemField;
                        }
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        _line++;
                        if (!_spilling)
                        {
                            // The record goes on past its first line: keep what follows, in case the quote turns out never closed.
                            _spilling = true;
                            _spill.Clear();
                        }
                    }

                    Append(ch, ref overlong);
                    if (overlong && _spilling)
                    {
                        return Unclosed(start, $"a quote opened in this value is not closed within {MaxFieldChars.ToString("N0", CultureInfo.InvariantCulture)} characters", out problemField);
                    }
                }
            }
            else if (ch == '"' && !fieldStarted)
            {
                quoted = true;
                fieldStarted = true;
            }
            else if (ch == '\r' || ch == '\n')
            {
                if (ch == '\r' && Peek() == '\n')
                {
                    Next();
                }

                _line++;
                _fields.Add(_field.ToString());
                break;
            }
            else
            {
                if (_delimiter == '\0' && (ch == ',' || ch == ';'))
                {
                    _delimiter = ch;
                }

                // '\0' stands for "not detected yet", never for a delimiter: a NUL before the first comma or semicolon (a
                // UTF-16 file read as UTF-8 is full of them) is text of its value (found by the round-trip property test).
                if (ch == _delimiter && ch != '\0')
                {
                    EndField(ref overlong, ref problem, ref problemField);
                    fieldStarted = false;
                }
                else
                {
                    Append(ch, ref overlong);
                    fieldStarted = true;
                }
            }

            c = Next();
        }

        _spilling = false;
        if (overlong)
        {
            problem ??= $"a value is longer than {MaxFieldChars.ToString("N0", CultureInfo.InvariantCulture)} characters";
            problemField = problemField < 0 ? _fields.Count - 1 : problemField;
        }

        return problem;
    }

    private void EndField(ref bool overlong, ref string? problem, ref int problemField)
    {
        if (overlong && problem is null)
        {
            problem = $"a value is longer than {MaxFieldChars.ToString("N0", CultureInfo.InvariantCulture)} characters";
            problemField = _fields.Count;
        }

        overlong = false;
        _fields.Add(_field.ToString());
        _field.Clear();
    }

    private void Append(char ch, ref bool overlong)
    {
        if (_field.Length < MaxFieldChars)
        {
            _field.Append(ch);
        }
        else
        {
            overlong = true;
        }
    }

    /// <summary>The record starting at <paramref name="start"/> has a quote that does not close where RFC 4180 says. Its first
    /// line is the bad record; every line after it (kept since the first line break inside the quote) is read again.</summary>
    private string Unclosed(long start, string problem, out int problemField)
    {
        problemField = _fields.Count;
        if (_spilling)
        {
            var rest = _pending is null ? "" : _pending[_pendingAt..];
            _pending = _spill.ToString() + rest;
            _pendingAt = 0;
            if (_pending.Length == 0)
            {
                _pending = null;
            }

            _line = start + 1;
            _spilling = false;
            _spill.Clear();
        }

        _fields.Clear();
        return problem;
    }
}
