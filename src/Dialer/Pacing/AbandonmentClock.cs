using Collections.Dialer.Amd;

namespace Collections.Dialer.Pacing;

/// <summary>
/// When an answered call that needs an operator stops being connectable without counting as abandoned: the one rule the
/// campaign runner (<c>CampaignCall</c>) and the simulator (<c>CampaignSimulator</c>) both apply.
/// </summary>
/// <remarks>
/// The 2 s run from the end of the answering person's greeting, not from the AMD verdict: FTC Telemarketing Sales Rule
/// 16 CFR 310.4(b)(1)(iv) ("An outbound telephone call is 'abandoned' under this section if a person answers it and the
/// telemarketer does not connect the call to a sales representative within two (2) seconds of the completed greeting of the
/// person answering") and the safe harbor's 310.4(b)(4)(iii); Ofcom, Revised statement of policy on the persistent misuse of
/// an electronic communications network or service (2016), A1: a call not connected to a live operator within two seconds of
/// the called person's greeting having ended is abandoned, and an information message must then be played. A detector that
/// decides after the greeting ended (the learned one listens to the silence that follows) uses up part of those 2 s; a verdict
/// that reports no greeting end (nothing was said) starts them itself, as before.
/// </remarks>
public static class AbandonmentClock
{
    /// <summary>
    /// The time from answer by which the call must be connected to an operator: the end of the greeting the detector reports
    /// plus <paramref name="connectLimit"/>, or, when it reports none, the verdict plus <paramref name="connectLimit"/>.
    /// </summary>
    /// <param name="verdictAfterAnswer">Answer to verdict, as the dialer measured it.</param>
    /// <param name="greetingEnd">The detector's <see cref="AmdResult.GreetingEnd"/> (from answer), or null.</param>
    /// <param name="connectLimit">The connect limit (2 s).</param>
    public static TimeSpan ConnectBy(TimeSpan verdictAfterAnswer, TimeSpan? greetingEnd, TimeSpan connectLimit)
    {
        if (connectLimit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(connectLimit), connectLimit, "The connect limit cannot be negative.");
        }

        // A greeting cannot end after the verdict that reports it; a report later than the verdict (clock skew between the audio
        // and the wall clock) is not allowed to stretch the limit.
        var start = greetingEnd is { } end && end < verdictAfterAnswer ? end : verdictAfterAnswer;
        return (start < TimeSpan.Zero ? TimeSpan.Zero : start) + connectLimit;
    }

    /// <summary>The instant by which a call answered at <paramref name="answeredAt"/> must be connected (<see cref="ConnectBy"/>).</summary>
    public static DateTimeOffset Deadline(DateTimeOffset answeredAt, TimeSpan verdictAfterAnswer, AmdResult verdict, TimeSpan connectLimit) =>
        answeredAt + ConnectBy(verdictAfterAnswer, verdict.GreetingEnd, connectLimit);
}
