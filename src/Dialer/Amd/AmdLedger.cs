using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Microsoft.Extensions.Logging;

namespace Collections.Dialer.Amd;

/// <summary>
/// Writes an answered call's AMD outcome over the ledger row reserved before the dial, for the campaign runner.
/// </summary>
/// <remarks>
/// Ofcom's policy on abandoned and silent calls (statement of 1 October 2010, kept by the 2016 persistent-misuse
/// statement) treats a call picked up by an answering machine, AMD false positives included, as one that may not be
/// repeated to that number within 24 hours unless a live operator is guaranteed; the compliance pack's
/// <c>uk.ofcom.amd-24h</c> rule reads <see cref="ContactAttempt.AmdFlagged"/>. So every MACHINE verdict on an answered
/// call is written at once, whatever the campaign then does with the machine (hang up or leave a message), before the
/// hopper can pick the account again. HUMAN and NOTSURE calls go to an agent, whose disposition completes the row.
/// </remarks>
public sealed partial class AmdLedger(ContactLedger ledger, ILogger<AmdLedger> logger)
{
    /// <summary>
    /// Completes the reserved row of an answered call the detector called MACHINE (Outcome Machine, AmdFlagged), and
    /// returns true; for HUMAN or NOTSURE writes nothing and returns false (the call is an agent's to complete).
    /// </summary>
    /// <param name="attemptId">The row <see cref="ContactLedger.ReserveAsync"/> committed before the dial.</param>
    /// <param name="result">The detector's verdict on the answered call.</param>
    /// <param name="callId">The SIP Call-ID, kept as the row's external id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<bool> RecordAnsweredAsync(ContactAttemptId attemptId, AmdResult result, string? callId, CancellationToken cancellationToken)
    {
        if (result.Verdict != AmdVerdict.Machine)
        {
            return false;
        }

        // A voicemail greeting is not a conversation with the debtor: no right-party contact, whatever message is left.
        await ledger.CompleteAsync(attemptId, new ContactResult(ContactOutcome.Machine, RightPartyContact: false, AmdFlagged: true, ExternalId: callId), cancellationToken)
            .ConfigureAwait(false);
        LogFlagged(logger, attemptId, result.CauseText, (long)result.DecisionTime.TotalMilliseconds);
        return true;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Ledger row {AttemptId} flagged by AMD: MACHINE ({Cause}) {DecisionMs} ms after answer")]
    private static partial void LogFlagged(ILogger logger, ContactAttemptId attemptId, string cause, long decisionMs);
}
