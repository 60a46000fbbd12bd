using System.Collections.Concurrent;
using Collections.Dialer.Calls;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using AgentId = Collections.Dialer.Routing.AgentId;
using OperatorId = Collections.Shared.Domain.AgentId;

namespace Collections.Dialer.Campaigns;

/// <summary>The answer to a manual dial: the committed ledger row (the call is being placed), or the compliance decision that
/// refused it (nothing was written or dialed).</summary>
public sealed record ManualDialResult(ContactAttemptId? Attempt, ComplianceDecision Decision)
{
    public bool Dialing => Attempt is not null;
}

/// <summary>
/// An operator's dial by hand of an account they found (issue 17): the contact ledger re-checks compliance as a call placed by
/// a person with the operator on the line (<see cref="CampaignContext.Manual"/>: not autodialed, so TCPA's autodialer consent
/// does not apply, but calling hours, caps, holds, opt-outs and cease requests do) and commits its row before the INVITE, as
/// for every call; the call is then placed and bridged into the operator's leg like a preview campaign's dial.
/// </summary>
public sealed partial class ManualDialer : IHostedService
{
    /// <summary>Ring time before the dial gives up: at least 15 s or four rings (FTC TSR safe harbor 16 CFR 310.4(b)(4)(ii)).</summary>
    public static readonly TimeSpan RingTimeout = TimeSpan.FromSeconds(30);

    private readonly OperatorCallContext _d;
    private readonly ILogger<ManualDialer> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _calls = new();

    internal ManualDialer(OperatorCallContext context, ILogger<ManualDialer> logger)
    {
        _d = context;
        _logger = logger;
    }

    /// <summary>
    /// Reserves the call in the ledger (compliance checked now) and, when allowed and <paramref name="claim"/> still finds the
    /// operator free for it, places it in the background; the screen-pop follows the answer, the desk hears of a dial that
    /// reached nobody. <paramref name="claim"/> runs once the row is committed and before the INVITE.
    /// </summary>
    public async Task<ManualDialResult> DialAsync(
        AgentId agent, OperatorId operatorId, DialTarget target, Func<ContactAttemptId, bool> claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(claim);
        var reservation = await _d.Ledger.ReserveAsync(
            new ContactRequest(target.AccountId, new ContactTarget(ContactChannel.Call, target.Number), CampaignContext.Manual, AgentId: operatorId),
            cancellationToken).ConfigureAwait(false);
        if (reservation.AttemptId is not { } attempt)
        {
            return new ManualDialResult(null, reservation.Decision);
        }

        if (!claim(attempt))
        {
            await _d.Ledger.CompleteAsync(attempt, new ContactResult(ContactOutcome.Cancelled), CancellationToken.None).ConfigureAwait(false);
            return new ManualDialResult(null, reservation.Decision);
        }

        LogDialing(_logger, attempt, agent.Value);
        Track(RunAsync(agent, target, attempt));
        return new ManualDialResult(attempt, reservation.Decision);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Hangs up the calls in progress (before telephony stops) and waits for their ledger rows.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_calls.Keys).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(AgentId agent, DialTarget target, ContactAttemptId attempt)
    {
        try
        {
            await OperatorCall.RunAsync(_d, agent, null, target, attempt, RingTimeout, null, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(_logger, attempt, ex);
            _d.Desk?.NotConnected(agent, attempt, "failed", null);
        }
    }

    private void Track(Task task)
    {
        _calls.TryAdd(task, 0);
        _ = task.ContinueWith(t => _calls.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 8132, Level = LogLevel.Information, Message = "Manual dial {AttemptId} by agent {Agent}: placing the call")]
    private static partial void LogDialing(ILogger logger, ContactAttemptId attemptId, int agent);

    [LoggerMessage(EventId = 8133, Level = LogLevel.Error, Message = "Manual dial {AttemptId} failed")]
    private static partial void LogFailed(ILogger logger, ContactAttemptId attemptId, Exception exception);
}

/// <summary>Registers <see cref="ManualDialer"/>.</summary>
public static class ManualDialingSetup
{
    /// <summary>Adds manual dialing for a host that has telephony, the ledger and the console's <see cref="IOperatorDesk"/> and
    /// <see cref="ICampaignCallEvents"/>; call after <c>AddTelephony</c>, so it stops (hanging up its calls) before telephony.</summary>
    public static IHostApplicationBuilder AddManualDialing(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(sp => new ManualDialer(
            new OperatorCallContext(
                sp.GetRequiredService<IOutboundCalls>(),
                sp.GetRequiredService<ContactLedger>(),
                sp.GetRequiredService<ICampaignCallEvents>(),
                sp.GetService<IOperatorDesk>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ManualDialer>>(),
                sp.GetService<AgentPhones>(),
                sp.GetService<IOptions<RecordingOptions>>()?.Value),
            sp.GetRequiredService<ILogger<ManualDialer>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ManualDialer>());
        return builder;
    }
}
