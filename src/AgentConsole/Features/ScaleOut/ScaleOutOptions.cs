using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Collections.AgentConsole.Features.ScaleOut;

/// <summary>Settings for running several console nodes behind one load balancer (DESIGN.md 6, "many machines"): the
/// Redis backplane that carries SignalR pushes between nodes, bound from <c>Collections:SignalR</c>.</summary>
public sealed class SignalRScaleOutOptions
{
    public const string Section = "Collections:SignalR";

    /// <summary>StackExchange.Redis configuration string of the backplane (e.g. <c>127.0.0.1:6379</c> or
    /// <c>redis.internal:6379,password=...,ssl=true</c>); empty means a single node without a backplane.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis channel the backplane publishes on, so several deployments can share one Redis.</summary>
    public string ChannelPrefix { get; set; } = "collections";

    /// <summary>This node's name on the wallboard (the floor across nodes); empty means <c>Collections:Hopper:NodeId</c> when
    /// that is set, else machine name and process id. Every node of one deployment needs its own.</summary>
    public string? NodeName { get; set; }

    /// <summary>A node whose wallboard report has not arrived for this long is taken off the floor (its operators leave the
    /// board, the board says since when it is silent). Nodes report once a second.</summary>
    public TimeSpan WallboardNodeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether a backplane is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);
}

/// <summary>Settings of the Data Protection key ring, bound from <c>Collections:DataProtection</c>.</summary>
public sealed class DataProtectionOptions
{
    public const string Section = "Collections:DataProtection";

    /// <summary>Folder shared by every node (a network share or a volume) holding the key ring, so a sign-in cookie issued by
    /// one node is accepted by every other; empty keeps ASP.NET Core's per-machine default.</summary>
    public string? KeysDirectory { get; set; }
}

/// <summary>A malformed backplane string stops the host at start, naming the key (not on the first push).</summary>
internal sealed class SignalRScaleOutOptionsValidator : IValidateOptions<SignalRScaleOutOptions>
{
    public ValidateOptionsResult Validate(string? name, SignalRScaleOutOptions options)
    {
        var failures = new List<string>();
        if (options.Enabled)
        {
            try
            {
                var parsed = ConfigurationOptions.Parse(options.Redis!);
                if (parsed.EndPoints.Count == 0)
                {
                    failures.Add($"{SignalRScaleOutOptions.Section}:Redis names no host:port endpoint");
                }
            }
            catch (ArgumentException ex)
            {
                // The value itself is not repeated: it may carry the Redis password.
                failures.Add($"{SignalRScaleOutOptions.Section}:Redis is not a Redis configuration string: {ex.Message}");
            }
        }

        // Reports arrive once a second: under 2 s one late report would blank a live node's operators.
        if (options.WallboardNodeTimeout < TimeSpan.FromSeconds(2) || options.WallboardNodeTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{SignalRScaleOutOptions.Section}:WallboardNodeTimeout must be between 00:00:02 and 00:05:00");
        }

        if (options.NodeName is { Length: > 100 })
        {
            failures.Add($"{SignalRScaleOutOptions.Section}:NodeName must be at most 100 characters");
        }

        if (string.IsNullOrWhiteSpace(options.ChannelPrefix))
        {
            failures.Add($"{SignalRScaleOutOptions.Section}:ChannelPrefix must not be empty");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
