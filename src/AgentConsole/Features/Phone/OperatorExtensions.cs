using System.Collections.Concurrent;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Features.Phone;

/// <summary>Each operator's SIP extension (the agent record's <c>SipExtension</c>), read once per agent and kept.</summary>
public sealed class OperatorExtensions(ICollectionsDbContextFactory databases)
{
    private readonly ConcurrentDictionary<AgentId, string?> _known = new();

    /// <summary>The operator's extension, or null when they have none.</summary>
    public async Task<string?> OfAsync(AgentId agent, CancellationToken ct)
    {
        if (_known.TryGetValue(agent, out var known))
        {
            return known;
        }

        await using var db = databases.CreateDbContext();
        var extension = await db.Agents.AsNoTracking().Where(a => a.Id == agent).Select(a => a.SipExtension).FirstOrDefaultAsync(ct);
        _known[agent] = extension;
        return extension;
    }

    /// <summary>The operators already looked up whose extension is <paramref name="extension"/>.</summary>
    public IEnumerable<AgentId> WithExtension(string extension) =>
        _known.Where(kv => string.Equals(kv.Value, extension, StringComparison.Ordinal)).Select(kv => kv.Key);
}
