using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace Collections.Shared.Persistence.Bulk;

/// <summary>
/// One statement prepared on a SQLite connection's handle and bound by position, for the bulk writers' one-row statements
/// (<see cref="BulkInserter"/>, <see cref="RowUpdater"/>). Microsoft.Data.Sqlite binds every parameter by name on every
/// execution (a name lookup and a binder object per value); a million-case sweep executes three million statements, and
/// binding by position saves a sixth of its write stage. Values are bound as Microsoft.Data.Sqlite binds them for the
/// columns' EF type mappings (TEXT for GUIDs in upper case, dates and decimals in its formats; checked value by value
/// against it by SqlitePositionalStatementTests); <see cref="Supports"/> says which mappings qualify, and a writer with any
/// other column keeps the named path. Runs inside the connection's current transaction; not thread-safe.
/// </summary>
internal sealed class SqlitePositionalStatement : IDisposable
{
    // Microsoft.Data.Sqlite's formats (SqliteValueBinder) for the TEXT storage of these CLR types.
    private const string DateTimeFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";
    private const string DateOnlyFormat = @"yyyy\-MM\-dd";
    private const string DecimalFormat = "0.0###########################";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int _timeoutSeconds;

    // What each parameter holds: SQLite keeps a statement's bindings across executions (sqlite3_reset leaves them), so a value
    // equal to the one bound before is not bound again. Most of a bulk write's columns repeat from row to row (a batch's
    // status, time, campaign, nulls), and each bind is a call into SQLite with its handle's reference count and mutex.
    private readonly object?[] _bound;
    private readonly bool[] _isBound;

    public SqlitePositionalStatement(SqliteConnection connection, string sql, int timeoutSeconds)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        _timeoutSeconds = timeoutSeconds;
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        if (rc != raw.SQLITE_OK)
        {
            throw Error(rc);
        }

        Parameters = raw.sqlite3_bind_parameter_count(_statement);
        _bound = new object?[Parameters];
        _isBound = new bool[Parameters];
    }

    /// <summary>A positional statement for <paramref name="command"/>'s text when the context is on SQLite and every one of
    /// <paramref name="mappings"/> (the parameters' in order) is bound by position as Microsoft.Data.Sqlite would; otherwise null.</summary>
    public static SqlitePositionalStatement? For(System.Data.Common.DbCommand command, IEnumerable<RelationalTypeMapping> mappings)
    {
        if (command is not SqliteCommand sqlite || sqlite.Connection is not { } connection || !mappings.All(m => Supports(m, sqlite)))
        {
            return null;
        }

        var statement = new SqlitePositionalStatement(connection, sqlite.CommandText, sqlite.CommandTimeout);
        if (statement.Parameters != sqlite.Parameters.Count)
        {
            statement.Dispose();
            return null;
        }

        return statement;
    }

    /// <summary>How many parameters the statement has, bound 0-based by <see cref="Bind"/>.</summary>
    public int Parameters { get; }

    /// <summary>
    /// Whether a column of <paramref name="mapping"/> is bound by position exactly as Microsoft.Data.Sqlite binds it: its
    /// provider type (after the mapping's converter) is one of those <see cref="Bind"/> formats, and the parameter the mapping
    /// configures stores it the way assumed here (a GUID as TEXT, not as a BLOB).
    /// </summary>
    public static bool Supports(RelationalTypeMapping mapping, SqliteCommand probe)
    {
        var type = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (!Storage.TryGetValue(type, out var storage))
        {
            return false;
        }

        // The storage class Microsoft.Data.Sqlite picks for a value of the type with the parameter as the mapping configures it.
        var parameter = (SqliteParameter)mapping.CreateParameter(probe, "@probe", null, nullable: true);
        parameter.Value = storage.Sample;
        return parameter.SqliteType == storage.Type;
    }

    // The provider types bound by position, with the storage class Microsoft.Data.Sqlite gives them by default.
    private static readonly Dictionary<Type, (SqliteType Type, object Sample)> Storage = new()
    {
        [typeof(string)] = (SqliteType.Text, ""),
        [typeof(Guid)] = (SqliteType.Text, Guid.Empty),
        [typeof(DateTime)] = (SqliteType.Text, DateTime.UnixEpoch),
        [typeof(DateOnly)] = (SqliteType.Text, DateOnly.MinValue),
        [typeof(decimal)] = (SqliteType.Text, 0m),
        [typeof(bool)] = (SqliteType.Integer, false),
        [typeof(int)] = (SqliteType.Integer, 0),
        [typeof(long)] = (SqliteType.Integer, 0L),
        [typeof(short)] = (SqliteType.Integer, (short)0),
        [typeof(byte)] = (SqliteType.Integer, (byte)0),
        [typeof(double)] = (SqliteType.Real, 0d),
        [typeof(byte[])] = (SqliteType.Blob, Array.Empty<byte>()),
    };

    /// <summary>Binds <paramref name="value"/> (a provider value of a supported type, or null/DBNull) to parameter <paramref name="index"/> (0-based).</summary>
    public void Bind(int index, object? value)
    {
        if (value is DBNull)
        {
            value = null;
        }

        if (_isBound[index] && SameBinding(_bound[index], value))
        {
            return;
        }

        // Not known to be bound until the call succeeded.
        _isBound[index] = false;
        var i = index + 1;
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, i),
            string s => BindText(i, s),
            Guid g => BindGuid(i, g),
            DateTime d => BindFormatted(i, d, DateTimeFormat),
            DateOnly d => BindFormatted(i, d, DateOnlyFormat),
            decimal m => BindFormatted(i, m, DecimalFormat),
            bool b => raw.sqlite3_bind_int64(_statement, i, b ? 1 : 0),
            int n => raw.sqlite3_bind_int64(_statement, i, n),
            long n => raw.sqlite3_bind_int64(_statement, i, n),
            short n => raw.sqlite3_bind_int64(_statement, i, n),
            byte n => raw.sqlite3_bind_int64(_statement, i, n),
            double x => raw.sqlite3_bind_double(_statement, i, x),
            byte[] bytes => raw.sqlite3_bind_blob(_statement, i, bytes),
            _ => throw new NotSupportedException($"A {value.GetType().Name} is not bound by position (parameter {i})."),
        };
        if (rc != raw.SQLITE_OK)
        {
            throw Error(rc);
        }

        _bound[index] = value;
        _isBound[index] = true;
    }

    /// <summary>Runs the statement with the values bound; returns the rows it changed. Waits for a busy database as
    /// Microsoft.Data.Sqlite does, up to the command timeout.</summary>
    public int Execute()
    {
        var started = Environment.TickCount64;
        try
        {
            while (true)
            {
                var rc = raw.sqlite3_step(_statement);
                if (rc == raw.SQLITE_DONE)
                {
                    return raw.sqlite3_changes(_db);
                }

                if ((rc != raw.SQLITE_BUSY && rc != raw.SQLITE_LOCKED) || Environment.TickCount64 - started > _timeoutSeconds * 1000L)
                {
                    throw Error(rc);
                }

                raw.sqlite3_reset(_statement);
                Thread.Sleep(150);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    // Text is bound as UTF-8 from the stack where it fits (SQLite copies it: SQLITE_TRANSIENT), without a string or byte array
    // per value; longer text takes the string overload.
    private const int StackText = 512;

    private int BindText(int index, string value)
    {
        if (value.Length > StackText / 3)
        {
            return raw.sqlite3_bind_text(_statement, index, value);
        }

        Span<byte> utf8 = stackalloc byte[StackText];
        var length = System.Text.Encoding.UTF8.GetBytes(value, utf8);
        return raw.sqlite3_bind_text(_statement, index, utf8[..length]);
    }

    // A GUID as Microsoft.Data.Sqlite stores it: "D" format in upper case.
    private int BindGuid(int index, Guid value)
    {
        Span<byte> utf8 = stackalloc byte[36];
        value.TryFormat(utf8, out _, "D");
        for (var k = 0; k < utf8.Length; k++)
        {
            if (utf8[k] is >= (byte)'a' and <= (byte)'f')
            {
                utf8[k] -= 'a' - 'A';
            }
        }

        return raw.sqlite3_bind_text(_statement, index, utf8);
    }

    private int BindFormatted<T>(int index, T value, string format)
        where T : IUtf8SpanFormattable
    {
        Span<byte> utf8 = stackalloc byte[64];
        if (!value.TryFormat(utf8, out var written, format, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{value} does not fit the {format} format's buffer (parameter {index}).");
        }

        return raw.sqlite3_bind_text(_statement, index, utf8[..written]);
    }

    /// <summary>Whether <paramref name="next"/> binds exactly what <paramref name="bound"/> did: the same type and value (a
    /// double by its bits, so -0 and NaN payloads are not merged); a byte array never (its content may have changed).</summary>
    private static bool SameBinding(object? bound, object? next) => (bound, next) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (byte[], _) or (_, byte[]) => false,
        (double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b),
        // decimal: equal values with different scales (1.0 and 1.00) format alike ("0.0###..."); DateTime: Equals compares ticks,
        // and the format has no kind.
        _ => bound.GetType() == next.GetType() && bound.Equals(next),
    };

    private SqliteException Error(int rc) =>
        new(string.Create(CultureInfo.InvariantCulture, $"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'."), rc, raw.sqlite3_extended_errcode(_db));
}
