using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Collections.Shared.Persistence.Bulk;

/// <summary>
/// Updates many rows of one table, each to its own values, with statements prepared once and built from the EF model
/// (column names, value converters, parameter types), inside the context's current transaction and without change
/// tracking. Each row names the columns to set and the values its row must still hold (the key and the originals the
/// caller read): a row that another writer changed since is not overwritten, and the flush throws
/// <see cref="WriteConflictException"/> so the caller rolls back. On SQLite (in process, no round trip; binding cost grows
/// with the square of a statement's parameter count, see <see cref="BulkInserter"/>) one row per statement; elsewhere up to
/// <see cref="MaxRowsPerStatement"/> rows per statement as <c>UPDATE ... FROM (VALUES ...)</c>.
/// </summary>
public sealed class RowUpdater : IDisposable
{
    private const int MaxParameters = 2000;
    private const int MaxRowsPerStatement = 200;

    private readonly IProperty[] _set;
    private readonly IProperty[] _match;
    private readonly string _table;
    private readonly string[] _setColumns;
    private readonly string[] _matchColumns;
    private readonly int _rowsPerStatement;
    private readonly CommandsByRows _commands;
    private readonly SqlitePositionalStatement? _positional;
    private readonly List<object[]> _rows = [];
    private readonly string _entity;

    /// <summary>An updater of <paramref name="entityType"/> that sets <paramref name="set"/> where <paramref name="match"/>
    /// (property names; the key first) hold the given values.</summary>
    public RowUpdater(DbContext db, IEntityType entityType, IReadOnlyList<string> set, IReadOnlyList<string> match)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(entityType);
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        IProperty Property(string name) => entityType.FindProperty(name) ?? throw new ArgumentException($"{entityType.DisplayName()} has no property {name}.", nameof(entityType));
        _entity = entityType.DisplayName();
        _set = [.. set.Select(Property)];
        _match = [.. match.Select(Property)];
        _table = sql.DelimitIdentifier(table.Name, table.Schema);
        _setColumns = [.. _set.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!))];
        _matchColumns = [.. _match.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!))];
        var width = _set.Length + _match.Length;
        _rowsPerStatement = db.Database.IsSqlite() ? 1 : Math.Clamp(MaxParameters / width, 1, MaxRowsPerStatement);
        _commands = new CommandsByRows(db, Build);
        _positional = _rowsPerStatement == 1 ? SqlitePositionalStatement.For(_commands.For(1), _set.Concat(_match).Select(p => p.GetRelationalTypeMapping())) : null;
    }

    /// <summary>Rows added and not yet flushed.</summary>
    public int Pending => _rows.Count;

    /// <summary>Adds a row: the values to set (in the order of the set properties), then the values to match (none null).</summary>
    public void Add(params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != _set.Length + _match.Length)
        {
            throw new ArgumentException($"Expected {_set.Length + _match.Length} values, got {values.Length}.", nameof(values));
        }

        var row = new object[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var property = i < _set.Length ? _set[i] : _match[i - _set.Length];
            if (i >= _set.Length && values[i] is null)
            {
                throw new ArgumentException($"{_entity}.{property.Name}: a matched value cannot be null.", nameof(values));
            }

            row[i] = values[i] is { } value
                ? property.GetRelationalTypeMapping().Converter is { } converter ? converter.ConvertToProvider(value) ?? DBNull.Value : value
                : DBNull.Value;
        }

        _rows.Add(row);
    }

    /// <summary>Writes the rows added; throws <see cref="WriteConflictException"/> when any no longer held its matched values.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_positional is { } positional)
        {
            foreach (var row in _rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var i = 0; i < row.Length; i++)
                {
                    positional.Bind(i, row[i]);
                }

                if (positional.Execute() != 1)
                {
                    throw new WriteConflictException($"1 {_entity} row was changed by another writer since it was read.");
                }
            }

            _rows.Clear();
            return;
        }

        for (var offset = 0; offset < _rows.Count; offset += _rowsPerStatement)
        {
            var count = Math.Min(_rowsPerStatement, _rows.Count - offset);
            var command = _commands.For(count);
            var p = 0;
            for (var r = 0; r < count; r++)
            {
                foreach (var value in _rows[offset + r])
                {
                    command.Parameters[p++].Value = value;
                }
            }

            var updated = await command.ExecuteNonQueryAsync(cancellationToken);
            if (updated != count)
            {
                throw new WriteConflictException($"{count - updated} of {count} {_entity} rows were changed by another writer since they were read.");
            }
        }

        _rows.Clear();
    }

    public void Dispose()
    {
        _positional?.Dispose();
        _commands.Dispose();
    }

    private void Build(DbCommand command, int rows)
    {
        var properties = _set.Concat(_match).ToArray();
        var text = new StringBuilder("UPDATE ").Append(_table);
        if (rows == 1)
        {
            text.Append(" SET ").AppendJoin(", ", _setColumns.Select((c, i) => $"{c} = @p{i}"));
            text.Append(" WHERE ").AppendJoin(" AND ", _matchColumns.Select((c, i) => $"{c} = @p{_set.Length + i}"));
        }
        else
        {
            // PostgreSQL's form: the rows as a VALUES list joined on the matched columns; SET names bare target columns.
            text.Append(" AS t SET ").AppendJoin(", ", _setColumns.Select((c, i) => $"{c} = v.c{i}"));
            text.Append(" FROM (VALUES ");
            for (var r = 0; r < rows; r++)
            {
                text.Append(r == 0 ? "(" : ", (").AppendJoin(", ", properties.Select((_, i) => $"@p{(r * properties.Length) + i}")).Append(')');
            }

            text.Append(") AS v(").AppendJoin(", ", properties.Select((_, i) => $"c{i}")).Append(") WHERE ");
            text.AppendJoin(" AND ", _matchColumns.Select((c, i) => $"t.{c} = v.c{_set.Length + i}"));
        }

        command.CommandText = text.ToString();
        for (var r = 0; r < rows; r++)
        {
            for (var i = 0; i < properties.Length; i++)
            {
                command.Parameters.Add(properties[i].GetRelationalTypeMapping().CreateParameter(command, $"@p{(r * properties.Length) + i}", null, properties[i].IsNullable));
            }
        }

    }
}
