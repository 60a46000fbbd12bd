using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Pacing;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Microsoft.Extensions.Logging;
using AgentId = Collections.Dialer.Routing.AgentId;
using CampaignMachinePolicy = Collections.Shared.Domain.MachinePolicy;

namespace Collections.Dialer.Campaigns;

/// <summary>How a line ended, for the campaign's tallies.</summary>
internal enum CallTally
{
    /// <summary>Not counted: the call failed before or outside the dial (an error, no free trunk line).</summary>
    None,
    Refused,
    Answered,
    Abandoned,
    Machine,
    Busy,
    NoAnswer,
    Failed,

    /// <summary>The operator skipped the previewed account: nothing was dialed or written.</summary>
    Skipped,
}

/// <summary>
/// One line of a campaign, from the ledger reservation to the end of the call: the reservation (compliance re-checked, a
/// Pending row committed before the INVITE), the dial with the campaign's ring timeout, AMD, the wait for an agent within the
/// connect limit, the bridge into the agent's leg, abandonment with the information message, and the ledger's final row.
/// The call owns its state (what pacing and the wallboard read), the agent held for it, its ledger row and its
/// cancellation; the <see cref="CampaignRunner"/> that created it keeps pacing, filling and the tallies, and is told what
/// pacing must learn (<see cref="CampaignRunner.Observe"/>) as the call goes.
/// </summary>
internal sealed partial class CampaignCall : IDisposable
{
    private readonly CampaignRunner _runner;
    private readonly CampaignRunnerDependencies _d;
    private readonly Campaign _campaign;
    private readonly CancellationTokenSource _cancel;
    private AgentHold? _hold;
    private AgentId? _previewer;
    private CallOutcome _outcome;
    private volatile LineState _state = LineState.Dialing;

    /// <summary>A line about to be dialed for <paramref name="target"/>, with the agent held for it (progressive) if any;
    /// <paramref name="stop"/> (the runner's end of the drain time) hangs it up.</summary>
    public CampaignCall(CampaignRunner runner, CampaignRunnerDependencies dependencies, long number, DialTarget target, AgentHold? hold, CancellationToken stop)
    {
        _runner = runner;
        _d = dependencies;
        _campaign = runner.Campaign;
        Number = number;
        Target = target;
        _hold = hold;
        DialedAt = dependencies.Time.GetUtcNow();
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _outcome = new CallOutcome(_campaign.Name, target.AccountId.Value, "failed", 0, null, null, target.Language, 0, 0, 0, null);
    }

    /// <summary>The runner's number for this line.</summary>
    public long Number { get; }

    /// <summary>The account, number and language dialed, and the queue entry carried out.</summary>
    public DialTarget Target { get; }

    /// <summary>When the line was created (pacing measures the time in each state from here).</summary>
    public DateTimeOffset DialedAt { get; }

    /// <summary>The line's state while pacing counts it as in flight: dialing, ringing, then screened by AMD.</summary>
    public LineState State => _state;

    /// <summary>The agent held for this line (progressive dialing, a callback to its operator); null when none or released.</summary>
    public AgentId? HeldAgent => Volatile.Read(ref _hold)?.Agent;

    /// <summary>The ledger row, once the reservation was committed.</summary>
    public ContactAttemptId? AttemptId { get; private set; }

    /// <summary>Whether the INVITE was attempted (the campaign's "dialed" count).</summary>
    public bool Dialed { get; private set; }

    /// <summary>How the call ended for the tallies.</summary>
    public CallTally Tally { get; private set; }

    /// <summary>How the call ended in the ledger (null when nothing was written: refused or failed before the reservation).</summary>
    public ContactOutcome? LedgerOutcome { get; private set; }

    /// <summary>When compliance refused the reservation: the earliest instant the rules allow the contact (null when a rule
    /// refuses until something happens, such as consent).</summary>
    public NodaTime.Instant? RefusedUntil { get; private set; }

    /// <summary>Whether compliance refused the reservation (nothing was dialed).</summary>
    public bool Refused => Tally == CallTally.Refused;

    /// <summary>Time the person spent connected to the agent.</summary>
    public TimeSpan Talk { get; private set; }

    /// <summary>How the call ended, for the queue it came from.</summary>
    public DialEnd End(CallOutcome outcome) => new(
        AttemptId,
        AttemptId is null ? null : LedgerOutcome ?? ContactOutcome.Pending,
        Tally == CallTally.Answered,
        Refused,
        RefusedUntil,
        outcome.Reason is { } reason ? $"{outcome.Outcome}: {reason}" : outcome.Outcome,
        Tally == CallTally.Skipped);

    /// <summary>Runs the line to its end; never throws (a failure is logged and reported as a failed outcome).</summary>
    public async Task<CallOutcome> RunAsync()
    {
        var ct = _cancel.Token;
        try
        {
            // Preview dialing (issue 17): the operator held for the line sees the account before the dial and dials or skips
            // it; without a console (the campaign run verb) a preview campaign dials as progressive.
            PreviewAnswer? preview = null;
            var previewer = HeldAgent;
            if (_campaign.Mode == DialMode.Preview && _d.Desk is { } desk && previewer is { } shownTo)
            {
                preview = await desk.PreviewAsync(shownTo, _campaign, Target, ct).ConfigureAwait(false);
                if (!preview.Dial)
                {
                    Tally = CallTally.Skipped;
                    return _outcome with { Outcome = "skipped", Reason = preview.Reason };
                }

                _previewer = shownTo;
            }

            // The ledger row is committed, with compliance re-checked in the same transaction, before the INVITE leaves
            // (issue 7: "a contact-ledger row is written before a dial leaves, so a crash cannot lose a count"), at the moment
            // of the dial. A call the runner dials by itself is judged as autodialed without a guaranteed operator (TCPA
            // consent, Ofcom's repeat rules); a previewed account the operator chose to dial is not autodialed and has its
            // operator on the line (CampaignContext.For a preview campaign).
            var reservation = await _d.Ledger.ReserveAsync(
                new ContactRequest(Target.AccountId, new ContactTarget(ContactChannel.Call, Target.Number),
                    preview is null ? CampaignContext.Predictive : CampaignContext.For(_campaign), _campaign.Id,
                    AgentId: preview?.Operator, Purpose: Target.Queued?.Purpose, ScheduledContactId: Target.Queued?.Id),
                ct).ConfigureAwait(false);
            if (reservation.AttemptId is not { } attemptId)
            {
                Tally = CallTally.Refused;
                RefusedUntil = reservation.Decision.NextAllowedAt;
                if (preview is not null)
                {
                    _d.Desk!.NotConnected(previewer!.Value, null, "refused", reservation.Decision);
                }

                var rules = string.Join(",", reservation.Decision.Rules.Where(r => r.Verdict == RuleVerdict.Refused).Select(r => r.Rule));
                return _outcome with { Outcome = "refused", Reason = rules };
            }

            AttemptId = attemptId;
            await _d.Queue.AttemptedAsync(Target, attemptId, CancellationToken.None).ConfigureAwait(false);
            return preview is null
                ? await PlaceAsync(attemptId, ct).ConfigureAwait(false)
                : await PlacePreviewedAsync(previewer!.Value, attemptId, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogCallFailed(_d.Logger, _campaign.Name, ex);

            // The operator who dialed the previewed account is not left waiting for a call that will not come.
            if (_previewer is { } previewed)
            {
                _d.Desk?.NotConnected(previewed, AttemptId, "failed", null);
            }

            return _outcome with { Reason = ex.GetType().Name };
        }
        finally
        {
            ReleaseHold();
        }
    }

    public void Dispose()
    {
        ReleaseHold();
        _cancel.Dispose();
    }

    private async Task<CallOutcome> PlaceAsync(ContactAttemptId attemptId, CancellationToken ct)
    {
        Dialed = true;
        SipCallLeg leg;

        // The campaign's ring timeout (at least 15 s or four rings, FTC TSR safe harbor 16 CFR 310.4(b)(4)(ii)) cancels the INVITE: CANCEL, then 487.
        using (var ring = new CancellationTokenSource(TimeSpan.FromSeconds(_campaign.RingTimeoutSeconds), _d.Time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ring.Token, ct))
        {
            try
            {
                leg = await _d.Calls.PlaceAsync(Target.Number, Progress, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Still waiting for a free trunk line when the ring time ran out: nothing left the dialer.
                await CompleteAsync(attemptId, new ContactResult(ContactOutcome.Cancelled)).ConfigureAwait(false);
                return _outcome with { Outcome = "failed", Reason = "no free trunk line" };
            }
        }

        await using (leg.ConfigureAwait(false))
        {
            var progress = _d.Time.GetUtcNow() - DialedAt;
            _outcome = _outcome with { Status = leg.FinalStatus, RingMs = (long)progress.TotalMilliseconds };
            if (!leg.Answered)
            {
                var ledgerOutcome = OperatorCall.Unanswered(leg.FinalStatus);
                var (dialOutcome, tally, name) = ledgerOutcome switch
                {
                    ContactOutcome.Busy => (DialOutcome.Busy, CallTally.Busy, "busy"),
                    ContactOutcome.NoAnswer => (DialOutcome.NoAnswer, CallTally.NoAnswer, "noAnswer"),
                    _ => (DialOutcome.Failed, CallTally.Failed, "failed"),
                };
                Tally = tally;
                await CompleteAsync(attemptId, new ContactResult(ledgerOutcome)).ConfigureAwait(false);
                _runner.Feed.Unanswered(_d.Time.GetUtcNow(), dialOutcome, progress);
                return _outcome with { Outcome = name };
            }

            return await AnsweredAsync(leg, attemptId, progress, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The operator's dial of a previewed account: reserved for them under the ledger row, then placed as an operator's
    /// call (no AMD, no wait for an agent: the operator who dialed takes it).</summary>
    private async Task<CallOutcome> PlacePreviewedAsync(AgentId agent, ContactAttemptId attemptId, CancellationToken ct)
    {
        if (!_d.Desk!.Dialing(agent, attemptId))
        {
            await CompleteAsync(attemptId, new ContactResult(ContactOutcome.Cancelled)).ConfigureAwait(false);
            return _outcome with { Outcome = "failed", Reason = "operator left before the dial" };
        }

        Dialed = true;
        var result = await OperatorCall.RunAsync(_d.Operators, agent, _campaign.Id, Target, attemptId,
            TimeSpan.FromSeconds(_campaign.RingTimeoutSeconds), Progress, ct).ConfigureAwait(false);
        LedgerOutcome = result.Outcome;
        _runner.Screened(this);
        Tally = result.Outcome switch
        {
            ContactOutcome.Answered => CallTally.Answered,
            ContactOutcome.Busy => CallTally.Busy,
            ContactOutcome.NoAnswer => CallTally.NoAnswer,
            _ => CallTally.Failed,
        };
        if (Tally != CallTally.Answered)
        {
            return _outcome with { Outcome = result.Name, Status = result.Status, Agent = agent.Value };
        }

        Talk = result.Talk;
        _runner.WrappingUp(agent, _d.Time.GetUtcNow(), Talk);
        return _outcome with { Outcome = "answered", Status = result.Status, Agent = agent.Value, TalkSeconds = Math.Round(Talk.TotalSeconds, 1) };
    }

    private void Progress(CallState state)
    {
        if (state is CallState.Ringing or CallState.EarlyMedia && _state == LineState.Dialing)
        {
            _state = LineState.Ringing;
        }
    }

    private async Task<CallOutcome> AnsweredAsync(SipCallLeg leg, ContactAttemptId attemptId, TimeSpan progress, CancellationToken ct)
    {
        _state = LineState.AwaitingAmd;
        var answeredAt = _d.Time.GetUtcNow();
        var classifier = new SignallingClassifier(new AmdAnswerClassifier(AmdDetectors.Create(_d.AmdDetector, _d.Vad), _d.Time));
        var media = new CallMedia(leg.Media!, _d.Time, null, null, classifier);
        await using (media.ConfigureAwait(false))
        {
            classifier.Answered();
            media.AmdArmed = true;
            media.Start();

            // The detector decides within its total analysis time; a silent or vanished line is finished by hand.
            var verdictWait = Task.Delay(TimeSpan.FromSeconds(6), _d.Time, ct);
            await Task.WhenAny(classifier.Decided, leg.Ended, verdictWait).ConfigureAwait(false);
            var result = classifier.Inner.Result ?? Finish(classifier);
            var amdTime = _d.Time.GetUtcNow() - answeredAt;

            // Screening is over: from here the call is a person waiting for an agent (counted apart), a machine being hung up, or
            // a conversation (the agent's state shows it), no longer a line in flight for pacing (LineSnapshot).
            _runner.Screened(this);
            _outcome = _outcome with { Amd = result.VerdictText, AmdMs = (long)amdTime.TotalMilliseconds };

            // The campaign's gate decides whether a MACHINE verdict is acted on (hang-up or message) or passed to an operator: one in
            // ten as the review sample that measures the false-positive share, and all of them while the estimated people among
            // the verdicts acted on would use AMD's share of the abandonment budget (issue 14 item 4; PacingFeed, AmdVerdictGate).
            var actsOnMachines = _campaign.MachinePolicy != CampaignMachinePolicy.SendToAgent;
            var needsAgent = _runner.Feed.Answered(_d.Time.GetUtcNow(), result.Verdict, result.Cause, progress, amdTime, out var action, actsOnMachines);
            if (!needsAgent)
            {
                Tally = CallTally.Machine;
                if (_runner.MachineMessage is { } message && leg.State == CallState.Answered)
                {
                    // The message starts after the beep (or the end of the greeting, per Dialer:Amd:MessageStart), so the recording
                    // holds all of it: a Reg F limited-content message (12 CFR 1006.2(j)) cut off at its start would lose the name
                    // or the number it must carry.
                    media.Paused = true;
                    var cue = await WaitForMessageCueAsync(leg, result, classifier.Inner.NoiseFloor, ct).ConfigureAwait(false);
                    _outcome = _outcome with { Reason = cue is { } c ? $"message after {c.Cause}" : "message after the wait limit" };
                    if (leg.State == CallState.Answered)
                    {
                        await PlayAsync(leg, message, ct).ConfigureAwait(false);
                    }
                }

                await leg.HangupAsync().ConfigureAwait(false);

                // Ofcom's 24 h rule reads the AMD flag: every MACHINE verdict is written, whatever the policy did with it.
                await _d.AmdLedger.RecordAnsweredAsync(attemptId, result, null, CancellationToken.None).ConfigureAwait(false);
                LedgerOutcome = ContactOutcome.Machine;
                return _outcome with { Outcome = "machine" };
            }

            // A MACHINE verdict passed to an operator keeps its AMD flag in the ledger: Ofcom's 24 h rule reads it, and the
            // operator's mark on it measures the campaign's false-positive share (AmdMarks).
            var amdFlagged = result.Verdict == AmdVerdict.Machine;
            if (amdFlagged && actsOnMachines)
            {
                LogMachinePassed(_d.Logger, _campaign.Name, action);
            }

            // The 2 s run from the end of the person's greeting, which the detector may have heard some time before it decided
            // (16 CFR 310.4(b)(1)(iv), (b)(4)(iii); Ofcom 2016, A1): not connected by then, the call is abandoned.
            var deadline = _runner.ConnectDeadline(answeredAt, amdTime, result);
            var agent = await _runner.WaitForAgentAsync(Target.Language, attemptId, HeldAgent, deadline, ct).ConfigureAwait(false);
            ReleaseHold();
            if (agent is not { } taken)
            {
                return await AbandonAsync(leg, media, attemptId, amdFlagged, ct).ConfigureAwait(false);
            }

            _runner.Feed.Connected(_d.Time.GetUtcNow());
            var connectedAt = _d.Time.GetUtcNow();

            // The debtor's audio goes into the agent's nailed-up leg (their registered phone, or the built-in demo phone):
            // from here on only the bridge speaks to the debtor. An agent with no line up gets the screen-pop alone.
            media.Paused = true;
            var agentLeg = _d.Phones?.Bridge(taken, leg, _d.Recording?.TargetFor(attemptId.Value));
            if (_d.Phones is not null && agentLeg is null)
            {
                LogNoAgentLine(_d.Logger, _campaign.Name, taken.Value);
            }

            // Marked answered in the ledger beside the conversation, not before the bridge: the debtor must not wait on a database
            // write (on SQLite, on the one write lock) to hear the operator. Awaited before the row is completed.
            var marked = _d.Ledger.ConnectedAsync(attemptId, amdFlagged, CancellationToken.None);
            var connected = new ConnectedCall(_campaign.Id, taken, Target, attemptId, leg) { AmdMachine = amdFlagged };
            var refused = await OperatorCall.ConverseAsync(_d.Operators, connected, agentLeg, ct).ConfigureAwait(false);
            await marked.ConfigureAwait(false);
            if (refused)
            {
                // No operator took the person after all: FTC TSR 16 CFR 310.4(b)(4) and Ofcom count it abandoned, and the
                // person hears the information message. (Pacing already counted the connect; this rare case is not undone.)
                var abandoned = await AbandonAsync(leg, media, attemptId, amdFlagged, ct, observe: false).ConfigureAwait(false);
                return abandoned with { Agent = taken.Value, Reason = "operator not available when the call arrived" };
            }

            var endedAt = _d.Time.GetUtcNow();
            Talk = endedAt - connectedAt;
            Tally = CallTally.Answered;
            _runner.WrappingUp(taken, endedAt, Talk);
            await CompleteAsync(attemptId, new ContactResult(ContactOutcome.Answered, AmdFlagged: amdFlagged)).ConfigureAwait(false);
            return _outcome with { Outcome = "answered", Agent = taken.Value, TalkSeconds = Math.Round(Talk.TotalSeconds, 1) };
        }
    }

    /// <summary>Listens to the rest of the greeting for the moment to leave the message (<see cref="MessageCueDetector"/>): the
    /// end of the beep or of the greeting; null when the wait limit passed first, or the machine hung up.</summary>
    private async Task<MessageCue?> WaitForMessageCueAsync(SipCallLeg leg, AmdResult verdict, double noiseFloor, CancellationToken ct)
    {
        var policy = _d.Machines ?? new Amd.MachinePolicy();
        var detector = new MessageCueDetector(policy, noiseFloor, beepInProgress: verdict.Cause == AmdCause.Beep);
        var cue = new TaskCompletionSource<MessageCue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Lock();
        void OnAudio(Media.Rtp.RtpSession session, Media.Rtp.AudioFrame frame)
        {
            lock (gate)
            {
                if (detector.Push(frame.Samples) is { } found)
                {
                    cue.TrySetResult(found);
                }
            }
        }

        var rtp = leg.Media!;
        rtp.AudioReceived += OnAudio;
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            await Task.WhenAny(cue.Task, leg.Ended, Task.Delay(policy.MaxWaitForMessageStart, _d.Time, wait.Token)).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
            return cue.Task.IsCompletedSuccessfully ? cue.Task.Result : null;
        }
        finally
        {
            rtp.AudioReceived -= OnAudio;
        }
    }

    private static AmdResult Finish(SignallingClassifier classifier)
    {
        classifier.Finish();
        return classifier.Inner.Result ?? new AmdResult(AmdVerdict.NotSure, AmdCause.EndOfAudio, TimeSpan.Zero);
    }

    private async Task<CallOutcome> AbandonAsync(SipCallLeg leg, CallMedia media, ContactAttemptId attemptId, bool amdFlagged, CancellationToken ct, bool observe = true)
    {
        Tally = CallTally.Abandoned;
        if (observe)
        {
            _runner.Feed.Abandoned(_d.Time.GetUtcNow());
        }

        // Ofcom's 2016 persistent-misuse policy and FTC TSR 16 CFR 310.4(b)(4)(iii): an abandoned call must hear who called and a number
        // to call back, then the line is released; UK rules then forbid calling the number again within 72 h.
        if (leg.State == CallState.Answered)
        {
            media.Paused = true;
            await PlayAsync(leg, _runner.InformationMessage, ct).ConfigureAwait(false);
        }

        await leg.HangupAsync().ConfigureAwait(false);
        await CompleteAsync(attemptId, new ContactResult(ContactOutcome.Abandoned, AmdFlagged: amdFlagged)).ConfigureAwait(false);
        return _outcome with { Outcome = "abandoned", Reason = "no agent within connect limit" };
    }

    private async Task CompleteAsync(ContactAttemptId attemptId, ContactResult result)
    {
        await _d.Ledger.CompleteAsync(attemptId, result, CancellationToken.None).ConfigureAwait(false);
        LedgerOutcome = result.Outcome;
    }

    private async Task PlayAsync(SipCallLeg leg, short[] samples, CancellationToken ct)
    {
        // Stops when the far end hangs up mid-message.
        using var playing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var play = CallMedia.PlayAsync(leg.Media!, samples, _d.Time, playing.Token);
        await Task.WhenAny(play, leg.Ended).ConfigureAwait(false);
        await playing.CancelAsync().ConfigureAwait(false);
        try
        {
            await play.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void ReleaseHold()
    {
        if (Interlocked.Exchange(ref _hold, null) is { } hold)
        {
            hold.Dispose();
            _runner.HoldReleased();
        }
    }

    [LoggerMessage(EventId = 8104, Level = LogLevel.Error, Message = "Campaign {Campaign}: a call failed")]
    private static partial void LogCallFailed(ILogger logger, string campaign, Exception exception);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Information, Message = "Campaign {Campaign}: a MACHINE verdict goes to an operator ({Action})")]
    private static partial void LogMachinePassed(ILogger logger, string campaign, MachineVerdictAction action);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning, Message = "Campaign {Campaign}: agent {Agent} has no phone line up; the call is connected without audio")]
    private static partial void LogNoAgentLine(ILogger logger, string campaign, int agent);

    /// <summary>Passes audio to the detector and completes <see cref="Decided"/> the moment it has a verdict.</summary>
    private sealed class SignallingClassifier(AmdAnswerClassifier inner) : IAnswerClassifier
    {
        private readonly TaskCompletionSource _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public AmdAnswerClassifier Inner { get; } = inner;

        // A batched detector decides on the VAD batcher's thread, after the push that completed its last chunk.
        public Task Decided => Task.WhenAny(_decided.Task, Inner.Decided);

        public void Answered() => Inner.Answered();

        public string? Push(ReadOnlySpan<short> samples, uint rtpTimestamp, uint ssrc)
        {
            var verdict = Inner.Push(samples, rtpTimestamp, ssrc);
            if (verdict is not null)
            {
                _decided.TrySetResult();
            }

            return verdict;
        }

        public string Finish()
        {
            var verdict = Inner.Finish();
            _decided.TrySetResult();
            return verdict;
        }
    }
}
