using Collections.AgentConsole.Features.Demo;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Auth;

/// <summary>Demo sign-ins: one Operator per active demo agent, a supervisor and an administrator, printed at start.
/// Created only in Development with the demo enabled; the password is public, so never anywhere else.</summary>
public static partial class DemoUsers
{
    /// <summary>The password of every demo user (Identity's rules: 10 characters, upper, lower, digit, symbol).</summary>
    public const string Password = "Demo-pass-2026!";

    public const string SupervisorLogin = "supervisor";

    public const string AdministratorLogin = "admin";

    /// <summary>The demo lawyer (role Legal): the legal queue.</summary>
    public const string LegalLogin = "legal";

    /// <summary>The demo field agent (role FieldAgent): the day's visits on a phone (/visits.html).</summary>
    public const string FieldAgentLogin = "field";

    public static async Task SeedDemoUsersAsync(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment() || !app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled)
        {
            return;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Collections.AgentConsole.Demo");
        await using var scope = app.Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var db = scope.ServiceProvider.GetRequiredService<CollectionsDbContext>();
        foreach (var role in ConsoleRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), role);
            }
        }

        var agents = await db.Agents.AsNoTracking().Where(a => a.Active).OrderBy(a => a.Login).ToListAsync(app.Lifetime.ApplicationStopping);
        var wanted = agents.Select(a => (Login: a.Login, Name: a.DisplayName, Agent: (AgentId?)a.Id, Role: ConsoleRoles.Operator))
            .Append((SupervisorLogin, "Floor Supervisor", null, ConsoleRoles.Supervisor))
            .Append((AdministratorLogin, "Administrator", null, ConsoleRoles.Administrator))
            .Append((LegalLogin, "Legal Counsel", null, ConsoleRoles.Legal))
            .Append((FieldAgentLogin, "Field Agent", null, ConsoleRoles.FieldAgent));
        foreach (var (login, name, agent, role) in wanted)
        {
            if (await users.FindByNameAsync(login) is null)
            {
                var user = new ConsoleUser { UserName = login, DisplayName = name, AgentId = agent };
                Check(await users.CreateAsync(user, Password), login);
                Check(await users.AddToRoleAsync(user, role), login);
            }

            LogDemoUser(logger, login, Password, role);
        }
    }

    /// <summary>Stops the start when a demo user or role cannot be made, naming it.</summary>
    internal static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Demo user or role '{what}' could not be created: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Demo sign-in: login {Login} password {Password} ({Role})")]
    private static partial void LogDemoUser(ILogger logger, string login, string password, string role);
}
