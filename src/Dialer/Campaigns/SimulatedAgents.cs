using AgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.Dialer.Campaigns;

/// <summary>
/// In-process stand-ins for operators (the <c>campaign run</c> verb and tests): each takes every call it is given, talks
/// for <see cref="Talk"/> (or until the debtor hangs up), hangs up, wraps up for <see cref="WrapUp"/>, and is ready again.
/// No SIP phone is involved: the debtor's leg stays up on the dialer while the agent "talks".
/// </summary>
public sealed class SimulatedAgents(AgentPool pool, TimeProvider time)
{
    private readonly List<Task> _running = [];
    private readonly Lock _gate = new();

    /// <summary>How long each simulated conversation lasts unless the debtor hangs up first.</summary>
    public TimeSpan Talk { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Wrap-up after each call.</summary>
    public TimeSpan WrapUp { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Logs in agents 1..<paramref name="count"/>, each speaking <paramref name="languages"/>.</summary>
    public void LogIn(int count, IReadOnlyCollection<string> languages)
    {
        for (var i = 1; i <= count; i++)
        {
            pool.LogIn(new AgentId(i), languages, time.GetUtcNow());
        }
    }

    /// <summary>The agent answers the screen-pop and starts talking.</summary>
    public void Take(IConnectedCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var task = HandleAsync(call);
        lock (_gate)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(task);
        }
    }

    /// <summary>Completes when every conversation and wrap-up started so far has ended.</summary>
    public Task IdleAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_running);
        }
    }

    private async Task HandleAsync(IConnectedCall call)
    {
        await Task.WhenAny(call.Ended, Task.Delay(Talk, time)).ConfigureAwait(false);
        if (!call.Ended.IsCompleted)
        {
            await call.HangupAsync().ConfigureAwait(false);
        }

        await call.Ended.ConfigureAwait(false);

        // The runner puts the agent in wrap-up when the call ends; the agent comes back after the wrap-up time.
        await Task.Delay(WrapUp, time).ConfigureAwait(false);
        pool.Ready(call.Agent, time.GetUtcNow());
    }
}
