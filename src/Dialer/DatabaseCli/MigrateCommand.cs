using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Collections.Dialer.DatabaseCli;

/// <summary>The <c>migrate</c> verb: applies the configured provider's pending migrations.</summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending database migrations for the configured provider (Collections:Database).");
        command.SetAction(async (ParseResult _, CancellationToken ct) =>
        {
            if (!CliHost.TryDatabase(out var options, out var error))
            {
                return CliOutput.Fail(error!);
            }

            await using var db = DatabaseSetup.CreateContext(options);
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            await db.Database.MigrateAsync(ct);
            CliOutput.WriteLine(new { provider = options.Provider.ToString(), applied = pending, upToDate = pending.Count == 0 });
            return CliOutput.Ok;
        });
        return command;
    }
}
