using Collections.Shared.Persistence;
using Collections.Shared.Persistence.Bulk;
using Collections.Shared.Workflow;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Collections.Shared.Tests.Persistence;

/// <summary>
/// The bulk writers' positional binding on SQLite stores every value exactly as Microsoft.Data.Sqlite stores it for the same
/// EF type mapping (same storage class, same text): otherwise rows written by the sweep or the import would compare and sort
/// differently from rows EF writes.
/// </summary>
public sealed class SqlitePositionalStatementTests
{
    private static readonly DateTime Instant = new(2026, 12, 4, 19, 28, 1, DateTimeKind.Utc);

    public static TheoryData<string> SupportedProperties()
    {
        var data = new TheoryData<string>();
        foreach (var name in Mappings().Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void The_sweeps_and_imports_tables_are_bound_by_position_on_every_column()
    {
        using var connection = Open();
        using var probe = connection.CreateCommand();
        var unsupported = Model().GetEntityTypes()
            .Where(e => e.ClrType == typeof(ScheduledContact) || e.ClrType == typeof(CaseStep) || e.ClrType == typeof(Domain.Case) || e.ClrType == typeof(Domain.Account))
            .SelectMany(e => e.GetProperties().Select(p => (Name: $"{e.ClrType.Name}.{p.Name}", Mapping: p.GetRelationalTypeMapping())))
            .Where(p => !SqlitePositionalStatement.Supports(p.Mapping, probe))
            .Select(p => p.Name)
            .ToList();

        Assert.Empty(unsupported);
    }

    [Theory]
    [MemberData(nameof(SupportedProperties))]
    public void A_value_bound_by_position_is_stored_as_MicrosoftDataSqlite_stores_it(string property)
    {
        var mapping = Mappings()[property];
        using var connection = Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (n INTEGER, v)";
            create.ExecuteNonQuery();
        }

        var samples = Samples(Nullable.GetUnderlyingType(mapping.Converter?.ProviderClrType ?? mapping.ClrType) ?? mapping.Converter?.ProviderClrType ?? mapping.ClrType);
        Assert.NotEmpty(samples);
        for (var n = 0; n < samples.Count; n++)
        {
            using var named = connection.CreateCommand();
            named.CommandText = "INSERT INTO t VALUES (@n, @v)";
            named.Parameters.AddWithValue("@n", n * 2);
            // As the bulk writers' named path does: the parameter from the mapping, then the provider value.
            var parameter = mapping.CreateParameter(named, "@v", null, nullable: true);
            parameter.Value = samples[n];
            named.Parameters.Add(parameter);
            named.ExecuteNonQuery();

            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO t VALUES (@n, @v)";
            insert.Parameters.Add(new SqliteParameter("@n", SqliteType.Integer));
            insert.Parameters.Add(mapping.CreateParameter(insert, "@v", null, nullable: true));
            using var positional = SqlitePositionalStatement.For(insert, [mapping, mapping]);
            Assert.NotNull(positional);
            positional.Bind(0, (n * 2) + 1);
            positional.Bind(1, samples[n]);
            Assert.Equal(1, positional.Execute());
        }

        using var read = connection.CreateCommand();
        read.CommandText = "SELECT n, typeof(v) || ':' || quote(v) FROM t ORDER BY n";
        using var reader = read.ExecuteReader();
        var stored = new List<string>();
        while (reader.Read())
        {
            stored.Add(reader.GetString(1));
        }

        for (var n = 0; n < samples.Count; n++)
        {
            Assert.Equal(stored[n * 2], stored[(n * 2) + 1]);
        }
    }

    [Fact]
    public void A_constraint_violation_surfaces_as_the_SqliteException_the_named_path_throws()
    {
        using var connection = Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE u (k TEXT PRIMARY KEY)";
            create.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO u VALUES (@k)";
        insert.Parameters.Add(new SqliteParameter("@k", SqliteType.Text));
        var text = Mappings().First(m => m.Value.ClrType == typeof(string)).Value;
        using var positional = SqlitePositionalStatement.For(insert, [text])!;
        positional.Bind(0, "a");
        positional.Execute();
        positional.Bind(0, "a");
        var error = Assert.Throws<SqliteException>(() => positional.Execute());
        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
    }

    [Fact]
    public void Rows_written_one_after_another_store_each_rows_values_when_some_repeat_and_some_change()
    {
        using var connection = Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE r (n INTEGER, t TEXT, m TEXT, b BLOB)";
            create.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO r VALUES (@n, @t, @m, @b)";
        foreach (var (name, type) in (ReadOnlySpan<(string, SqliteType)>)[("@n", SqliteType.Integer), ("@t", SqliteType.Text), ("@m", SqliteType.Text), ("@b", SqliteType.Blob)])
        {
            insert.Parameters.Add(new SqliteParameter(name, type));
        }

        var mappings = Mappings().Values;
        var text = mappings.First(m => m.ClrType == typeof(string));
        var money = mappings.First(m => (m.Converter?.ProviderClrType ?? m.ClrType) == typeof(decimal));
        var blob = mappings.First(m => m.ClrType == typeof(byte[]));
        var integer = mappings.First(m => (m.Converter?.ProviderClrType ?? m.ClrType) == typeof(int));
        using var positional = SqlitePositionalStatement.For(insert, [integer, text, money, blob])!;
        // The same array changed in place between rows, a text that repeats, goes null and comes back, a decimal of equal value
        // and another scale: each row must hold what was bound for it, not what the row before held.
        var bytes = new byte[] { 1 };
        object?[][] rows =
        [
            [1, "a", 1.0m, bytes],
            [2, "a", 1.00m, bytes],
            [3, null, 1.00m, null],
            [4, "a", DBNull.Value, DBNull.Value],
            [5, "b", 2.5m, bytes],
        ];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                positional.Bind(i, row[i]);
            }

            positional.Execute();
            bytes[0]++;
        }

        using var read = connection.CreateCommand();
        read.CommandText = "SELECT n, quote(t), quote(m), quote(b) FROM r ORDER BY n";
        using var reader = read.ExecuteReader();
        var stored = new List<string>();
        while (reader.Read())
        {
            stored.Add($"{reader.GetInt64(0)} {reader.GetString(1)} {reader.GetString(2)} {reader.GetString(3)}");
        }

        Assert.Equal(["1 'a' '1.0' X'01'", "2 'a' '1.0' X'02'", "3 NULL '1.0' NULL", "4 'a' NULL NULL", "5 'b' '2.5' X'05'"], stored);
    }

    private static List<object> Samples(Type type) =>
        type == typeof(Guid) ? [Guid.Parse("01a24287-2429-7e1a-8eae-4850fd80838d"), Guid.Empty]
        : type == typeof(string) ? ["plain", "", "Zahlungserinnerung für Müller's Rechnung", "\u0000mid"]
        : type == typeof(DateTime) ? [Instant, Instant.AddTicks(7_518_485), Instant.AddMilliseconds(500), DateTime.SpecifyKind(Instant, DateTimeKind.Unspecified)]
        : type == typeof(DateOnly) ? [new DateOnly(2026, 12, 4), new DateOnly(1, 1, 1)]
        : type == typeof(decimal) ? [0m, 1.10m, -3350.53m, 412.5m, 123456789.123456789m, 0.0000001m, 79228162514264337593543950335m]
        : type == typeof(bool) ? [true, false]
        : type == typeof(int) ? [0, -1, int.MaxValue]
        : type == typeof(long) ? [0L, long.MinValue, 1L << 40]
        : type == typeof(short) ? [(short)-5, short.MaxValue]
        : type == typeof(byte) ? [(byte)0, byte.MaxValue]
        : type == typeof(double) ? [1.5, -0.1, 1e300]
        : type == typeof(byte[]) ? [new byte[] { 0, 1, 255 }, Array.Empty<byte>()]
        : [];

    // One mapping per distinct kind of column in the model (by provider type and store type), named by its first property.
    private static Dictionary<string, RelationalTypeMapping> Mappings()
    {
        using var connection = Open();
        using var probe = connection.CreateCommand();
        return Model().GetEntityTypes()
            .SelectMany(e => e.GetProperties().Select(p => (Name: $"{e.ClrType.Name}.{p.Name}", Mapping: p.GetRelationalTypeMapping())))
            .Where(p => SqlitePositionalStatement.Supports(p.Mapping, probe))
            .GroupBy(p => (p.Mapping.Converter?.ProviderClrType ?? p.Mapping.ClrType, p.Mapping.StoreType, p.Mapping.GetType()))
            .ToDictionary(g => g.First().Name, g => g.First().Mapping, StringComparer.Ordinal);
    }

    private static Microsoft.EntityFrameworkCore.Metadata.IModel Model()
    {
        using var db = DatabaseSetup.CreateContext(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=:memory:" });
        return db.Model;
    }

    private static SqliteConnection Open()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        return connection;
    }
}
