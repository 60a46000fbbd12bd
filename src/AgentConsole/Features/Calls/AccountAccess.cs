using System.Security.Claims;
using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Features.Floor;
using Collections.Shared.Domain;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>Who may read an account: supervisors and administrators any; an operator only the account on their current call
/// (its wrap-up included). The account API and the case timeline ask this one rule.</summary>
public static class AccountAccess
{
    public static bool MayRead(ClaimsPrincipal user, AgentFloor floor, Guid accountId)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(floor);
        // The legal team reviews any case on its queue, as supervisors may read any.
        if (IsSupervisor(user) || user.IsInRole(ConsoleRoles.Legal))
        {
            return true;
        }

        var agent = AuthSetup.AgentIdOf(user);
        var call = agent is { } a ? floor.CurrentCall(a) : null;
        return call is not null && call.AccountId.Value == accountId;
    }

    public static bool IsSupervisor(ClaimsPrincipal user) =>
        user.IsInRole(ConsoleRoles.Supervisor) || user.IsInRole(ConsoleRoles.Administrator);
}
