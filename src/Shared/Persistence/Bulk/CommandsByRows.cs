using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Collections.Shared.Persistence.Bulk;

/// <summary>The prepared commands of a bulk writer (<see cref="BulkInserter"/>, <see cref="RowUpdater"/>): one per number of
/// rows a statement carries, built by <paramref name="build"/> on first use, bound to the context's current transaction,
/// disposed together.</summary>
internal sealed class CommandsByRows(DbContext db, Action<DbCommand, int> build) : IDisposable
{
    private readonly Dictionary<int, DbCommand> _commands = [];
    private readonly DbConnection _connection = db.Database.GetDbConnection();
    private readonly DbTransaction _transaction = db.Database.CurrentTransaction?.GetDbTransaction()
        ?? throw new InvalidOperationException("Bulk writes run inside a transaction begun on the context.");

    /// <summary>The command for statements of <paramref name="rows"/> rows.</summary>
    public DbCommand For(int rows)
    {
        if (!_commands.TryGetValue(rows, out var command))
        {
            command = _connection.CreateCommand();
            command.Transaction = _transaction;
            build(command, rows);
            _commands[rows] = command;
        }

        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
    }
}
