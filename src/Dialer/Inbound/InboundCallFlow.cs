using Collections.Dialer.Calls;
using Collections.Dialer.Campaigns;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;
using AgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.Dialer.Inbound;

/// <summary>
/// One call to one of our inbound numbers, from the INVITE to its end: the caller looked up by number, the answer, then either
/// the voicemail box (outside opening hours) or the IVR (a greeting in the caller's language with "press 1 for an adviser"),
/// the queue (hold message, music, the longest-idle ready operator who speaks the language), the bridge into the operator's
/// line with the screen-pop, and the call's records: its <c>inbound_calls</c> row and, for a matched caller, the contact ledger
/// row (purpose inbound). The call owns its state, its media and its cancellation.
/// </summary>
internal sealed partial class InboundCallFlow
{
    private static readonly Task Never = new TaskCompletionSource().Task;

    private readonly InboundDesk _desk;
    private readonly InboundLeg _leg;
    private readonly string _did;
    private readonly string? _fromUser;
    private readonly CancellationToken _stop;
    private IvrMedia? _media;
    private InboundCallOutcome _outcome = InboundCallOutcome.InProgress;
    private ContactOutcome _ledgerOutcome = ContactOutcome.Cancelled;
    /// <summary>How the caller proved to be the debtor this call ("date of birth", "reference"); null until they did.</summary>
    private string? _identifiedBy;

    public InboundCallFlow(InboundDesk desk, InboundLeg leg, string did, string? fromUser, CancellationToken stop)
    {
        _desk = desk;
        _leg = leg;
        _did = did;
        _fromUser = fromUser;
        _stop = stop;
    }

    /// <summary>The call's one identity (the ledger row's id for a matched caller).</summary>
    public ContactAttemptId Id { get; } = ContactAttemptId.New();

    public Caller Caller { get; private set; } = new("anonymous", null, null, "en");

    /// <summary>When the caller joined the queue; null while not waiting.</summary>
    public DateTimeOffset? WaitingSince { get; private set; }

    private InboundDeskContext D => _desk.Context;

    /// <summary>Runs the call to its end; never throws.</summary>
    public async Task RunAsync()
    {
        try
        {
            var number = CallerLookup.Normalize(_fromUser, _did);
            await using (var db = D.Databases.CreateDbContext())
            {
                Caller = await CallerLookup.FindAsync(db, number, D.Options.DefaultLanguage, _stop).ConfigureAwait(false);
            }

            if (!_leg.Answer())
            {
                return;
            }

            await RecordStartAsync().ConfigureAwait(false);
            _media = new IvrMedia(_leg.Media!, D.Time);
            _media.Start();
            LogTaken(D.Logger, Id, Mask(Caller.Number), Caller.Matched, Caller.Language);
            if (!D.Options.IsOpen(Instant.FromDateTimeOffset(D.Time.GetUtcNow())))
            {
                await PlayAsync(D.Prompts.Closed(Caller.Language)).ConfigureAwait(false);
                await VoicemailAsync().ConfigureAwait(false);
                return;
            }

            if (!await MenuAsync().ConfigureAwait(false))
            {
                _outcome = InboundCallOutcome.AbandonedInIvr;
                return;
            }

            await QueueAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(D.Logger, Id, ex);
            _outcome = _outcome == InboundCallOutcome.InProgress ? InboundCallOutcome.Lost : _outcome;
        }
        finally
        {
            _desk.Leave(this);
            if (_media is not null)
            {
                await _media.DisposeAsync().ConfigureAwait(false);
            }

            await _leg.DisposeAsync().ConfigureAwait(false);
            await RecordEndAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The greeting with the menu, twice if no key comes; true when the caller asked for an adviser (1), pressed
    /// nothing (a caller who cannot or does not press a key still reaches a person) or could not be identified for the
    /// balance; false when they hung up. 2 asks for the balance (<see cref="BalanceAsync"/>), then the menu again.</summary>
    private async Task<bool> MenuAsync()
    {
        for (var round = 0; round < 2; round++)
        {
            var played = _media!.Play(D.Prompts.Menu(Caller.Language));
            // Keys are taken while the prompt plays (barge-in), and for MenuTimeoutSeconds after it.
            var timeout = played.ContinueWith(_ => Task.Delay(TimeSpan.FromSeconds(D.Options.MenuTimeoutSeconds), D.Time, _stop), TaskScheduler.Default).Unwrap();
            while (true)
            {
                var key = _media.Keys.WaitToReadAsync(_stop).AsTask();
                var first = await Task.WhenAny(key, timeout, _leg.Ended).ConfigureAwait(false);
                if (first == _leg.Ended || _stop.IsCancellationRequested)
                {
                    return false;
                }

                if (first == timeout)
                {
                    break;
                }

                if (_media.Keys.TryRead(out var digit))
                {
                    LogKey(D.Logger, Id, digit);
                    if (digit == '1')
                    {
                        _media.Silence();
                        return true;
                    }

                    if (digit == '2')
                    {
                        _media.Silence();
                        switch (await BalanceAsync().ConfigureAwait(false))
                        {
                            case BalanceResult.HungUp:
                                return false;
                            case BalanceResult.ToOperator:
                                return true;
                        }

                        round = -1;   // the menu again, from the start
                        break;
                    }
                }
            }
        }

        return !_leg.Ended.IsCompleted;
    }

    private enum BalanceResult
    {
        Stated,
        ToOperator,
        HungUp,
    }

    /// <summary>
    /// The balance on request: only after the caller proved to be the debtor by keypad, with a method the debtor's rule pack
    /// allows (<c>callerIdentification</c>: date of birth as DDMMYYYY, or the digits of the account's reference). Whoever holds
    /// a debtor's phone may be someone else, and telling them about the debt is a disclosure to a third party: FDCPA
    /// 15 U.S.C. 1692c(b) (no communication about the debt with anyone but the consumer without consent), Reg F
    /// 12 CFR 1006.6(d), GDPR Art. 5(1)(f) and 32(1)(b). After <c>IdentificationAttempts</c> wrong tries, or when the pack allows
    /// no method or the debtor's data offers none, the caller goes to an operator and nothing about the debt is said.
    /// </summary>
    private async Task<BalanceResult> BalanceAsync()
    {
        var expected = await IdentificationAsync().ConfigureAwait(false);
        if (expected is null)
        {
            LogNoSelfService(D.Logger, Id);
            await PlayAsync(D.Prompts.IdentifyFailed(Caller.Language)).ConfigureAwait(false);
            return _leg.Ended.IsCompleted ? BalanceResult.HungUp : BalanceResult.ToOperator;
        }

        if (_identifiedBy is null)
        {
            for (var attempt = 1; ; attempt++)
            {
                var prompt = D.Prompts.Identify(Caller.Language, expected.DateOfBirth is not null, expected.Reference is not null);
                var entered = await ReadDigitsAsync(_media!.Play(prompt)).ConfigureAwait(false);
                if (_leg.Ended.IsCompleted || _stop.IsCancellationRequested)
                {
                    return BalanceResult.HungUp;
                }

                // Compared in constant time: the call must not reveal by its timing how much of an entry was right.
                if (entered.Length > 0 && (Same(entered, expected.DateOfBirth) || Same(entered, expected.Reference)))
                {
                    _identifiedBy = Same(entered, expected.DateOfBirth) ? "date of birth" : "reference";
                    break;
                }

                LogIdentificationFailed(D.Logger, Id, attempt);
                if (attempt >= D.Options.IdentificationAttempts)
                {
                    await PlayAsync(D.Prompts.IdentifyFailed(Caller.Language)).ConfigureAwait(false);
                    return _leg.Ended.IsCompleted ? BalanceResult.HungUp : BalanceResult.ToOperator;
                }

                await PlayAsync(D.Prompts.IdentifyRetry(Caller.Language)).ConfigureAwait(false);
            }
        }

        if (D.Prompts.Balance(Caller.Language, expected.Balance.Amount, expected.Balance.Currency) is not { } sentence)
        {
            // A currency the prompts cannot name: an operator states it.
            LogNoSelfService(D.Logger, Id);
            return BalanceResult.ToOperator;
        }

        LogBalanceStated(D.Logger, Id, _identifiedBy);
        await PlayAsync(sentence).ConfigureAwait(false);
        return _leg.Ended.IsCompleted ? BalanceResult.HungUp : BalanceResult.Stated;

        static bool Same(string entered, string? expected) => expected is not null
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(entered), System.Text.Encoding.ASCII.GetBytes(expected));
    }

    /// <summary>What identifies the caller as the debtor of the matched account, by the methods the debtor's rule pack allows,
    /// with the balance to state; null when no method is possible (an unknown caller, no pack or a pack without
    /// <c>callerIdentification</c>, no date of birth or reference digits on file).</summary>
    private async Task<Identification?> IdentificationAsync()
    {
        if (Caller.AccountId is not { } accountId || Caller.DebtorId is not { } debtorId || D.Compliance is null)
        {
            return null;
        }

        await using var db = D.Databases.CreateDbContext();
        var debtor = await db.Debtors.AsNoTracking().Include(d => d.Addresses).Include(d => d.Phones)
            .FirstOrDefaultAsync(d => d.Id == debtorId, _stop).ConfigureAwait(false);
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, _stop).ConfigureAwait(false);
        if (debtor is null || account is null || debtor.ErasedAt is not null
            || D.Compliance.PackFor(debtor, debtor.Phones.FirstOrDefault(p => p.E164 == Caller.Number))?.CallerIdentification is not { } rule)
        {
            return null;
        }

        var dateOfBirth = rule.Methods.Contains(CallerIdentificationMethod.DateOfBirth) && debtor.DateOfBirth is { } dob
            ? dob.ToString("ddMMyyyy", System.Globalization.CultureInfo.InvariantCulture)
            : null;
        // A reference with fewer than four digits would be guessed in a few tries.
        var digits = new string(account.CreditorReference.Where(char.IsAsciiDigit).ToArray());
        var reference = rule.Methods.Contains(CallerIdentificationMethod.Reference) && digits.Length >= 4 ? digits : null;
        if (dateOfBirth is null && reference is null)
        {
            return null;
        }

        return new Identification(dateOfBirth, reference, account.Balance);
    }

    private sealed record Identification(string? DateOfBirth, string? Reference, Money Balance);

    /// <summary>Keys up to # (or 20 digits), taken while <paramref name="prompt"/> plays and until <c>MenuTimeoutSeconds</c>
    /// pass with no key after it; * starts again. Empty when nothing was entered or the caller hung up.</summary>
    private async Task<string> ReadDigitsAsync(Task prompt)
    {
        while (_media!.Keys.TryRead(out _))
        {
        }

        var digits = new System.Text.StringBuilder();
        var quiet = TimeSpan.FromSeconds(D.Options.MenuTimeoutSeconds);
        var timeout = prompt.ContinueWith(_ => Task.Delay(quiet, D.Time, _stop), TaskScheduler.Default).Unwrap();
        while (digits.Length < 20)
        {
            var key = _media.Keys.WaitToReadAsync(_stop).AsTask();
            var first = await Task.WhenAny(key, timeout, _leg.Ended).ConfigureAwait(false);
            if (first != key || !_media.Keys.TryRead(out var digit))
            {
                break;
            }

            if (digit == '#')
            {
                break;
            }

            if (digit == '*')
            {
                digits.Clear();
            }
            else if (char.IsAsciiDigit(digit))
            {
                digits.Append(digit);
            }

            // A key stops the prompt (barge-in) and restarts the wait for the next.
            _media.Silence();
            timeout = Task.Delay(quiet, D.Time, _stop);
        }

        _media.Silence();
        return digits.ToString();
    }

    /// <summary>Waits in the queue for an operator with the language, hearing the hold message, their place in the queue and
    /// music; the voicemail box after the longest wait.</summary>
    private async Task QueueAsync()
    {
        var queuedAt = D.Time.GetUtcNow();
        await UpdateAsync(c => c.QueuedAt = Instant.FromDateTimeOffset(queuedAt)).ConfigureAwait(false);
        var deadline = queuedAt + TimeSpan.FromSeconds(D.Options.MaxWaitSeconds);
        _desk.Traffic.Arrived();
        var holdMessage = true;
        while (true)
        {
            WaitingSince = queuedAt;
            _desk.Join(this);
            AgentId? agent;
            using (var holding = CancellationTokenSource.CreateLinkedTokenSource(_stop))
            {
                var hold = HoldAsync(holdMessage, holding.Token);
                agent = await WaitForAgentAsync(deadline).ConfigureAwait(false);
                // The hold loop ends before anything else is played or the call is bridged, so it cannot start a clip after.
                await holding.CancelAsync().ConfigureAwait(false);
                await hold.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            _desk.Leave(this);
            WaitingSince = null;
            holdMessage = false;
            if (_leg.Ended.IsCompleted || _stop.IsCancellationRequested)
            {
                _outcome = InboundCallOutcome.AbandonedInQueue;
                return;
            }

            if (agent is not { } taken)
            {
                LogMaxWait(D.Logger, Id, D.Options.MaxWaitSeconds);
                await VoicemailAsync().ConfigureAwait(false);
                return;
            }

            if (await ConverseAsync(taken, queuedAt).ConfigureAwait(false))
            {
                return;
            }

            // The console could not show the call (the operator left in that instant): back to the queue, in its place.
            _media!.Paused = false;
        }
    }

    /// <summary>While the caller waits: the hold message (first time only), then their place in the queue ("your number in the
    /// queue is 3", in their language) and music on hold for <c>PositionAnnounceSeconds</c>, again and again.</summary>
    private async Task HoldAsync(bool withMessage, CancellationToken ct)
    {
        var cancelled = Task.Delay(Timeout.InfiniteTimeSpan, D.Time, ct);
        if (withMessage)
        {
            await Task.WhenAny(_media!.Play(D.Prompts.Hold(Caller.Language)), cancelled).ConfigureAwait(false);
        }

        var every = TimeSpan.FromSeconds(D.Options.PositionAnnounceSeconds);
        while (!ct.IsCancellationRequested)
        {
            if (every > TimeSpan.Zero && _desk.PositionOf(this) is > 0 and var position)
            {
                LogPosition(D.Logger, Id, position);
                await Task.WhenAny(_media!.Play(D.Prompts.Position(Caller.Language, position)), cancelled).ConfigureAwait(false);
                if (ct.IsCancellationRequested)
                {
                    return;
                }
            }

            _ = _media!.Play(D.Prompts.Music, loop: true);
            if (every <= TimeSpan.Zero)
            {
                return;
            }

            await Task.WhenAny(Task.Delay(every, D.Time, ct), cancelled).ConfigureAwait(false);
        }
    }

    private async Task<AgentId?> WaitForAgentAsync(DateTimeOffset deadline)
    {
        while (true)
        {
            var signal = _desk.AgentReadySignal;
            if (_desk.IsFirstInLine(this) && D.Agents.TakeLongestIdle(Caller.Language, D.Time.GetUtcNow(), Id) is { } agent)
            {
                return agent;
            }

            var remaining = deadline - D.Time.GetUtcNow();
            if (remaining <= TimeSpan.Zero || _leg.Ended.IsCompleted || _stop.IsCancellationRequested)
            {
                return null;
            }

            // An operator becoming ready wakes the queue at once; the second is for an operator the event missed, or a
            // caller ahead who left.
            var tick = TimeSpan.FromSeconds(1) < remaining ? TimeSpan.FromSeconds(1) : remaining;
            await Task.WhenAny(signal, _leg.Ended, Task.Delay(tick, D.Time, _stop)).ConfigureAwait(false);
        }
    }

    /// <summary>Bridges the caller into the operator's line with the screen-pop and waits for the end; false when the console
    /// refused the call while the caller was still there (the caller goes back to the queue).</summary>
    private async Task<bool> ConverseAsync(AgentId agent, DateTimeOffset queuedAt)
    {
        _media!.Paused = true;
        _media.Silence();
        var agentLeg = D.Phones?.Bridge(agent, _leg, D.Recording?.TargetFor(Id.Value));
        if (D.Phones is not null && agentLeg is null)
        {
            LogNoLine(D.Logger, Id, agent.Value);
        }

        var answeredAt = D.Time.GetUtcNow();
        using var talk = _desk.Traffic.Conversation();
        LogConnected(D.Logger, Id, agent.Value, (long)(answeredAt - queuedAt).TotalMilliseconds);
        Task refused;
        Func<Task> hangup;
        if (Caller.AccountId is { } accountId)
        {
            // Written beside the conversation: the caller does not wait on the database to hear the operator.
            _ = D.Ledger.ConnectedAsync(Id, amdFlagged: false, CancellationToken.None);
            var call = new InboundConnectedCall(agent, new DialTarget(accountId, Caller.DebtorId!.Value, Caller.Number, Caller.Language), Id, _leg);
            D.Calls.Connected(call);
            refused = call.Refused;
            hangup = call.HangupAsync;
        }
        else
        {
            var call = new UnknownCaller(agent, Id, Caller.Number, _leg);
            D.Inbound?.UnknownCallerConnected(call);
            refused = call.Refused;
            hangup = call.HangupAsync;
        }

        // The row says answered while the conversation goes on (the wallboard's service level, a node that dies mid-call).
        var mapped = D.Inbound?.OperatorOf(agent);
        await UpdateAsync(c =>
        {
            c.AnsweredAt = Instant.FromDateTimeOffset(answeredAt);
            c.AgentId = mapped;
        }).ConfigureAwait(false);
        var agentHangup = agentLeg?.Ended ?? Never;
        var first = await Task.WhenAny(_leg.Ended, refused, agentHangup, Never.WaitAsync(_stop)).ConfigureAwait(false);
        if (first == refused && !_leg.Ended.IsCompleted)
        {
            talk.Cancel();
            D.Phones?.Unbridge(agent);
            await UpdateAsync(c =>
            {
                c.AnsweredAt = null;
                c.AgentId = null;
            }).ConfigureAwait(false);
            return false;
        }

        _outcome = InboundCallOutcome.Answered;
        _ledgerOutcome = ContactOutcome.Answered;
        if (!_leg.Ended.IsCompleted && (first == agentHangup || _stop.IsCancellationRequested))
        {
            await hangup().ConfigureAwait(false);
        }

        await _leg.Ended.WaitAsync(_stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return true;
    }

    /// <summary>
    /// The voicemail box: the invitation (ending in a tone), then the caller's message recorded (caller left, our side right; with
    /// the recordings' key when they are encrypted at rest) until they hang up, press #, or the longest message is reached. A
    /// message from a known caller becomes a return call in the callback queue on their account; from an unknown number, a
    /// task supervisors see (its row waits unhandled).
    /// </summary>
    private async Task VoicemailAsync()
    {
        await PlayAsync(D.Prompts.Voicemail(Caller.Language)).ConfigureAwait(false);
        _ledgerOutcome = ContactOutcome.NoAnswer;
        if (_leg.Ended.IsCompleted)
        {
            _outcome = InboundCallOutcome.ClosedNoMessage;
            return;
        }

        var directory = Directory.CreateDirectory(D.Options.VoicemailDirectory).FullName;
        var path = Path.Combine(directory, $"{Id.Value:D}.wav");
        // GDPR Art. 32(1)(a): a message is personal data like a call recording, encrypted at rest with the same keys when set.
        var target = new Recording.RecordingTarget(path, D.Recording?.Keys());
        while (_media!.Keys.TryRead(out _))
        {
        }

        _media.Record(target.Open());
        var hash = WaitForKeyAsync('#');
        await Task.WhenAny(_leg.Ended, hash, Task.Delay(TimeSpan.FromSeconds(D.Options.VoicemailMaxSeconds), D.Time, _stop)).ConfigureAwait(false);
        _media.StopRecording();
        if (!_leg.Ended.IsCompleted)
        {
            await _leg.HangupAsync().ConfigureAwait(false);
        }

        // Half a second of sound: a caller who hung up at the tone left no message.
        if (_media.Recorded.Voice < 25)
        {
            File.Delete(path);
            _outcome = InboundCallOutcome.ClosedNoMessage;
            return;
        }

        _outcome = InboundCallOutcome.Voicemail;
        await UpdateAsync(c => c.VoicemailPath = path).ConfigureAwait(false);
        if (Caller.AccountId is { } accountId && D.Workflow is { } workflow)
        {
            // Due at once: the callback queue's campaign dials it only when the debtor's calling hours, caps and holds allow
            // (FDCPA 15 U.S.C. 1692c(a)(1) and Reg F 12 CFR 1006.6(b)(1)(i): no call at a time known to be inconvenient; the
            // ledger's compliance check at the dial applies to every queued call).
            await using var db = D.Databases.CreateDbContext();
            await workflow.For(db).Cases.QueueReturnCallAsync(accountId, Instant.FromDateTimeOffset(D.Time.GetUtcNow()), $"voicemail:{Id.Value:N}",
                "voicemail: the debtor asked to be called back", CancellationToken.None).ConfigureAwait(false);
            await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
            LogCallbackQueued(D.Logger, Id, accountId.Value);
        }
        else
        {
            LogUnmatchedMessage(D.Logger, Id, Mask(Caller.Number));
        }
    }

    private async Task WaitForKeyAsync(char wanted)
    {
        try
        {
            await foreach (var key in _media!.Keys.ReadAllAsync(_stop).ConfigureAwait(false))
            {
                if (key == wanted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Never.ConfigureAwait(false);
    }

    private async Task PlayAsync(short[] clip) =>
        await Task.WhenAny(_media!.Play(clip), _leg.Ended, Never.WaitAsync(_stop)).ConfigureAwait(false);

    private async Task RecordStartAsync()
    {
        await using (var db = D.Databases.CreateDbContext())
        {
            db.InboundCalls.Add(new InboundCall
            {
                Id = Id,
                From = Caller.Number,
                Did = _did,
                SipCallId = _leg.CallId.Length > 256 ? _leg.CallId[..256] : _leg.CallId,
                ReceivedAt = Instant.FromDateTimeOffset(D.Time.GetUtcNow()),
                DebtorId = Caller.DebtorId,
                AccountId = Caller.AccountId,
                Language = Caller.Language,
                Outcome = InboundCallOutcome.InProgress,
                Node = D.Ledger.Node,
            });
            await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (Caller.AccountId is { } accountId)
        {
            await D.Ledger.RecordInboundAsync(Id, accountId, Caller.Number, _leg.CallId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task RecordEndAsync()
    {
        try
        {
            if (_outcome == InboundCallOutcome.InProgress)
            {
                _outcome = WaitingSince is null && _ledgerOutcome != ContactOutcome.Answered ? InboundCallOutcome.AbandonedInIvr : InboundCallOutcome.AbandonedInQueue;
            }

            var ended = Instant.FromDateTimeOffset(D.Time.GetUtcNow());
            var outcome = _outcome;
            var written = await UpdateAsync(c =>
            {
                c.Outcome = outcome;
                c.EndedAt = ended;
            }).ConfigureAwait(false);
            if (written && Caller.AccountId is not null)
            {
                // The ledger's words for a call we did not make: answered by an operator; no answer when it went to the
                // voicemail box; cancelled when the caller hung up first. Never "abandoned", which the abandoned-call rules
                // (Ofcom, FTC TSR 16 CFR 310.4(b)(4)) reserve for our own calls.
                await D.Ledger.CompleteAsync(Id, new ContactResult(_ledgerOutcome, ExternalId: _leg.CallId), CancellationToken.None).ConfigureAwait(false);
            }

            LogEnded(D.Logger, Id, outcome);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(D.Logger, Id, ex);
        }
    }

    /// <summary>Changes the call's row; false when it was never written (the INVITE was refused).</summary>
    private async Task<bool> UpdateAsync(Action<InboundCall> change)
    {
        await using var db = D.Databases.CreateDbContext();
        var row = await db.InboundCalls.FirstOrDefaultAsync(c => c.Id == Id, CancellationToken.None).ConfigureAwait(false);
        if (row is null)
        {
            return false;
        }

        change(row);
        await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    /// <summary>Keeps the last three digits for logs (STYLE.md habit 11).</summary>
    internal static string Mask(string number) => number.Length <= 3 ? "***" : new string('*', number.Length - 3) + number[^3..];

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Inbound call {CallId} from {From}: matched {Matched}, language {Language}")]
    private static partial void LogTaken(ILogger logger, ContactAttemptId callId, string from, bool matched, string language);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Information, Message = "Inbound call {CallId}: key {Digit}")]
    private static partial void LogKey(ILogger logger, ContactAttemptId callId, char digit);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Information, Message = "Inbound call {CallId} put through to agent {Agent} after {WaitMs} ms in the queue")]
    private static partial void LogConnected(ILogger logger, ContactAttemptId callId, int agent, long waitMs);

    [LoggerMessage(EventId = 3305, Level = LogLevel.Warning, Message = "Inbound call {CallId}: agent {Agent} has no phone line up; the call is connected without audio")]
    private static partial void LogNoLine(ILogger logger, ContactAttemptId callId, int agent);

    [LoggerMessage(EventId = 3306, Level = LogLevel.Information, Message = "Inbound call {CallId}: no operator within {Seconds} s, offering the voicemail box")]
    private static partial void LogMaxWait(ILogger logger, ContactAttemptId callId, int seconds);

    [LoggerMessage(EventId = 3307, Level = LogLevel.Information, Message = "Inbound call {CallId}: voicemail queued as a callback on account {AccountId}")]
    private static partial void LogCallbackQueued(ILogger logger, ContactAttemptId callId, Guid accountId);

    [LoggerMessage(EventId = 3308, Level = LogLevel.Information, Message = "Inbound call {CallId}: voicemail from {From}, a number no debtor has, waits for a supervisor")]
    private static partial void LogUnmatchedMessage(ILogger logger, ContactAttemptId callId, string from);

    [LoggerMessage(EventId = 3309, Level = LogLevel.Information, Message = "Inbound call {CallId} ended: {Outcome}")]
    private static partial void LogEnded(ILogger logger, ContactAttemptId callId, InboundCallOutcome outcome);

    [LoggerMessage(EventId = 3313, Level = LogLevel.Information, Message = "Inbound call {CallId}: told its place in the queue, {Position}")]
    private static partial void LogPosition(ILogger logger, ContactAttemptId callId, int position);

    [LoggerMessage(EventId = 3314, Level = LogLevel.Information, Message = "Inbound call {CallId}: balance stated after identification by {Method}")]
    private static partial void LogBalanceStated(ILogger logger, ContactAttemptId callId, string method);

    [LoggerMessage(EventId = 3315, Level = LogLevel.Information, Message = "Inbound call {CallId}: identification failed (try {Attempt}); nothing about the debt was said")]
    private static partial void LogIdentificationFailed(ILogger logger, ContactAttemptId callId, int attempt);

    [LoggerMessage(EventId = 3316, Level = LogLevel.Information, Message = "Inbound call {CallId}: balance asked for, but no identification is possible for this caller (unknown number, rule pack, data on file or currency); put through to an operator")]
    private static partial void LogNoSelfService(ILogger logger, ContactAttemptId callId);

    [LoggerMessage(EventId = 3310, Level = LogLevel.Error, Message = "Inbound call {CallId} failed")]
    private static partial void LogFailed(ILogger logger, ContactAttemptId callId, Exception exception);
}
