using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Features.Demo;
using Collections.Shared.Creditors;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Creditors;

/// <summary>The demo's creditor side: a Creditor user bound to the first demo creditor and a fresh API key for it, printed at
/// start like the demo sign-ins (docs/creditor-api.md). Development with the demo only: the key is printed in the log.</summary>
public static partial class DemoCreditorAccess
{
    /// <summary>The demo creditor user's login (password <see cref="DemoUsers.Password"/>).</summary>
    public const string Login = "creditor";

    /// <summary>The creditor the demo user and key belong to.</summary>
    public const string Creditor = "TELCO-DE";

    public static async Task SeedDemoCreditorAccessAsync(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment() || !app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled)
        {
            return;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Collections.AgentConsole.Demo");
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CollectionsDbContext>();
        var ct = app.Lifetime.ApplicationStopping;
        var creditor = await db.Creditors.AsNoTracking().FirstOrDefaultAsync(c => c.Code == Creditor, ct);
        if (creditor is null)
        {
            return;
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        if (await users.FindByNameAsync(Login) is null)
        {
            var user = new ConsoleUser { UserName = Login, DisplayName = creditor.Name };
            DemoUsers.Check(await users.CreateAsync(user, DemoUsers.Password), Login);
            DemoUsers.Check(await users.AddToRoleAsync(user, ConsoleRoles.Creditor), Login);
            db.CreditorUsers.Add(new CreditorUser { UserId = user.Id, CreditorId = creditor.Id });
            await db.SaveChangesAsync(ct);
        }

        LogUser(logger, Login, DemoUsers.Password, Creditor);
        // Only the hash of a key is stored, so the demo cannot print yesterday's key again: each start makes one.
        var key = await scope.ServiceProvider.GetRequiredService<CreditorKeys>().CreateAsync(Creditor, ct);
        LogKey(logger, Creditor, key!.Key);
    }

    [LoggerMessage(EventId = 2801, Level = LogLevel.Information, Message = "Demo sign-in: login {Login} password {Password} (Creditor {Creditor})")]
    private static partial void LogUser(ILogger logger, string login, string password, string creditor);

    [LoggerMessage(EventId = 2802, Level = LogLevel.Information, Message = "Demo creditor API key for {Creditor}: {Key} (docs/creditor-api.md)")]
    private static partial void LogKey(ILogger logger, string creditor, string key);
}
