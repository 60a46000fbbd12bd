using Collections.AgentConsole.Features.Floor;
using Collections.Shared.Contracts;

namespace Collections.AgentConsole.Tests.Floor;

/// <summary>A floor with no browser or supervisor listening.</summary>
internal sealed class NoFloorEvents : IFloorEvents
{
    public void Changed(AgentStatusDto status)
    {
    }
}
