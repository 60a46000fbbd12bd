using System.Collections.Concurrent;
using Collections.AgentConsole.Features.Calls;
using Collections.AgentConsole.Features.Floor;
using Collections.Dialer.Campaigns;
using Collections.Shared.Compliance;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using DomainAgentId = Collections.Shared.Domain.AgentId;
using RoutingAgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.AgentConsole.Features.Dialing;

/// <summary>
/// The operator's own dials (issue 17). <b>Preview dialing</b>: a preview campaign's line shows its account to the operator it
/// holds (the screen-pop before the dial, with a countdown), and the operator dials it or skips it with a reason; the contact
/// ledger checks compliance at the moment of the dial. When the countdown lapses the account goes back to the queue and the
/// operator is paused (redirection on no answer, as ACDs do, so an absent operator gets no more calls). <b>Manual dial</b>:
/// an account found by search is dialed under the same ledger check, judged as a call placed by a person
/// (<see cref="CampaignContext.Manual"/>); a refusal comes back with every rule's reason as <c>explain</c> gives it.
/// </summary>
public sealed partial class OperatorDesk : IOperatorDesk, IDisposable
{
    /// <summary>The pause reason an operator gets when a preview lapsed without their answer.</summary>
    public const string PreviewTimedOutReason = "Preview timed out";

    private readonly AgentFloor _floor;
    private readonly DialerBridge _bridge;
    private readonly ScreenPopBuilder _pops;
    private readonly IHubContext<AgentHub, IAgentClient> _agents;
    private readonly ICollectionsDbContextFactory _databases;
    private readonly IServiceProvider _services;
    private readonly IOptions<ConsoleOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OperatorDesk> _logger;
    private readonly ConcurrentDictionary<DomainAgentId, Offer> _offers = new();

    public OperatorDesk(
        AgentFloor floor,
        DialerBridge bridge,
        ScreenPopBuilder pops,
        IHubContext<AgentHub, IAgentClient> agents,
        ICollectionsDbContextFactory databases,
        IServiceProvider services,
        IOptions<ConsoleOptions> options,
        TimeProvider time,
        ILogger<OperatorDesk> logger)
    {
        _floor = floor;
        _bridge = bridge;
        _pops = pops;
        _agents = agents;
        _databases = databases;
        _services = services;
        _options = options;
        _time = time;
        _logger = logger;
        _floor.StateChanged += OnStateChanged;
    }

    /// <summary>The account shown to <paramref name="agent"/> now, if a preview is open.</summary>
    public PreviewDto? OfferOf(DomainAgentId agent) => _offers.TryGetValue(agent, out var offer) ? offer.Dto : null;

    /// <summary>The operator dials (<paramref name="dial"/>) or skips the previewed account; false when <paramref name="offerId"/>
    /// is not the preview open for them (it lapsed, or another tab answered first).</summary>
    public bool Answer(DomainAgentId agent, Guid offerId, bool dial, string? reason)
    {
        if (!dial && string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("reason: a skip needs a reason", nameof(reason));
        }

        return _offers.TryGetValue(agent, out var offer) && offer.Id == offerId
            && offer.Answer.TrySetResult(dial ? new PreviewAnswer(true, agent, null) : PreviewAnswer.Skip(reason!.Trim()));
    }

    /// <inheritdoc />
    public async Task<PreviewAnswer> PreviewAsync(RoutingAgentId number, Campaign campaign, DialTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(target);
        var agent = _bridge.OperatorOf(number);
        var offer = new Offer(Guid.NewGuid());
        if (!_floor.TryBeginDial(agent, offer.Id, manual: false))
        {
            return PreviewAnswer.Skip("the operator is no longer ready");
        }

        var answer = PreviewAnswer.Skip("the preview could not be shown");
        try
        {
            var loaded = await _pops.LoadAsync(target.AccountId, cancellationToken, target.Queued?.Id);
            if (loaded is null)
            {
                return answer = PreviewAnswer.Skip("the account does not exist");
            }

            var seconds = _options.Value.PreviewSeconds;
            offer.Dto = new PreviewDto(offer.Id, campaign.Name, target.Number, _time.GetUtcNow().AddSeconds(seconds), seconds,
                loaded.Debtor, loaded.Account, loaded.Case, loaded.Reason);
            _offers[agent] = offer;
            if (_floor.DialingOf(agent) != offer.Id)
            {
                return answer = PreviewAnswer.Skip("the operator is no longer ready");   // left between the check and the offer
            }

            LogPreview(_logger, offer.Id, agent.Value, campaign.Name);
            await _agents.Clients.Group(ConsoleHubs.Agent(agent.Value)).Preview(offer.Dto);
            var lapse = Task.Delay(TimeSpan.FromSeconds(seconds), _time, cancellationToken);
            if (await Task.WhenAny(offer.Answer.Task, lapse) != offer.Answer.Task)
            {
                var lapsed = cancellationToken.IsCancellationRequested
                    ? PreviewAnswer.Skip("the campaign stopped")
                    : PreviewAnswer.Skip(TimedOut);
                if (offer.Answer.TrySetResult(lapsed) && !cancellationToken.IsCancellationRequested)
                {
                    _floor.Request(agent, AgentState.Paused, PreviewTimedOutReason);
                }
            }

            answer = await offer.Answer.Task;
            return answer;
        }
        finally
        {
            _offers.TryRemove(new KeyValuePair<DomainAgentId, Offer>(agent, offer));
            if (!answer.Dial)
            {
                _floor.EndDial(agent, offer.Id);
                LogSkipped(_logger, offer.Id, agent.Value, answer.Reason);
                Send(agent, new DialStatusDto(answer.Reason == TimedOut ? "timed-out" : "skipped", null, offer.Id, answer.Reason, null));
            }
        }
    }

    /// <inheritdoc />
    public bool Dialing(RoutingAgentId agent, ContactAttemptId attempt)
    {
        var id = _bridge.OperatorOf(agent);
        if (_floor.DialingOf(id) is not { } marker || !_floor.ClaimDial(id, marker, attempt))
        {
            return false;
        }

        Send(id, new DialStatusDto("dialing", attempt.Value, null, null, null));
        return true;
    }

    /// <inheritdoc />
    public void NotConnected(RoutingAgentId agent, ContactAttemptId? attempt, string outcome, ComplianceDecision? refusal)
    {
        var id = _bridge.OperatorOf(agent);
        if (attempt is { } call)
        {
            _floor.Detach(id, call);
        }
        else if (_floor.DialingOf(id) is { } marker)
        {
            _floor.EndDial(id, marker);
        }

        Send(id, new DialStatusDto(outcome, attempt?.Value, null, null, refusal is null ? null : ChannelReport.From(refusal)));
    }

    /// <summary>
    /// Dials <paramref name="number"/> (one of the debtor's numbers; their first when null) of the account for the operator:
    /// "dialing" with the call's ledger row, or "refused" with the rules' verdicts. Only a Ready or Paused operator without a
    /// call may dial; an argument naming the problem is thrown otherwise.
    /// </summary>
    public async Task<DialStatusDto> ManualDialAsync(DomainAgentId agent, Guid accountId, string? number, CancellationToken cancellationToken)
    {
        var dialer = _services.GetRequiredService<ManualDialer>();
        DialTarget target;
        await using (var db = _databases.CreateDbContext())
        {
            var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == new AccountId(accountId), cancellationToken)
                ?? throw new ArgumentException($"accountId: no account {accountId}", nameof(accountId));
            var debtor = await db.Debtors.AsNoTracking().Include(d => d.Phones).FirstAsync(d => d.Id == account.DebtorId, cancellationToken);
            var phones = debtor.Phones.Where(p => p.WrongNumberAt is null).OrderBy(p => p.Priority).Select(p => p.E164).ToList();
            var chosen = string.IsNullOrWhiteSpace(number) ? phones.FirstOrDefault() : number.Trim();
            if (chosen is null)
            {
                throw new ArgumentException("number: the debtor has no number to dial", nameof(number));
            }

            if (!phones.Contains(chosen, StringComparer.Ordinal))
            {
                throw new ArgumentException($"number: {chosen} is not one of the debtor's numbers", nameof(number));
            }

            target = new DialTarget(account.Id, debtor.Id, chosen, debtor.PreferredLanguage);
        }

        var marker = Guid.NewGuid();
        if (!_floor.TryBeginDial(agent, marker, manual: true))
        {
            throw new ArgumentException("state: dial by hand when Ready or Paused, with no call open (save the last one first)");
        }

        if (_bridge.IsHeld(agent))
        {
            _floor.EndDial(agent, marker);
            throw new ArgumentException("state: a campaign call is being placed for you; pause first, then dial");
        }

        try
        {
            var result = await dialer.DialAsync(_bridge.NumberOf(agent), agent, target, attempt => _floor.ClaimDial(agent, marker, attempt), cancellationToken);
            if (result.Attempt is { } attempt)
            {
                LogManual(_logger, attempt, agent.Value);
                return new DialStatusDto("dialing", attempt.Value, null, null, null);
            }

            _floor.EndDial(agent, marker);
            return result.Decision.Allowed
                ? new DialStatusDto("failed", null, null, "you left Ready or Paused before the dial", null)
                : new DialStatusDto("refused", null, null, null, ChannelReport.From(result.Decision));
        }
        catch
        {
            _floor.EndDial(agent, marker);
            throw;
        }
    }

    public void Dispose() => _floor.StateChanged -= OnStateChanged;

    private const string TimedOut = "timed out";

    // An operator who leaves Ready (pause, log-out) while an account is shown to them gives it up.
    private void OnStateChanged(AgentStatusDto status)
    {
        if (status.State != AgentState.Ready && _offers.TryGetValue(new DomainAgentId(status.AgentId), out var offer))
        {
            offer.Answer.TrySetResult(PreviewAnswer.Skip("the operator left Ready"));
        }
    }

    private void Send(DomainAgentId agent, DialStatusDto status) =>
        _ = _agents.Clients.Group(ConsoleHubs.Agent(agent.Value)).DialStatus(status);

    private sealed class Offer(Guid id)
    {
        public Guid Id { get; } = id;

        public PreviewDto? Dto { get; set; }

        public TaskCompletionSource<PreviewAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(EventId = 2621, Level = LogLevel.Information, Message = "Preview {OfferId} shown to operator {AgentId} ({Campaign})")]
    private static partial void LogPreview(ILogger logger, Guid offerId, Guid agentId, string campaign);

    [LoggerMessage(EventId = 2622, Level = LogLevel.Information, Message = "Preview {OfferId}: operator {AgentId} did not dial ({Reason})")]
    private static partial void LogSkipped(ILogger logger, Guid offerId, Guid agentId, string? reason);

    [LoggerMessage(EventId = 2623, Level = LogLevel.Information, Message = "Manual dial {CallId} by operator {AgentId}")]
    private static partial void LogManual(ILogger logger, ContactAttemptId callId, Guid agentId);
}
