namespace Collections.Shared.Contracts;

/// <summary>The pop of an inbound call whose number matches no one debtor: the operator finds the account with the search.</summary>
/// <param name="CallId">The call (its id, as for every call on the console).</param>
/// <param name="From">The caller's number, E.164 when it could be read as one.</param>
public sealed record UnknownCallerDto(Guid CallId, DateTimeOffset ConnectedAt, string From);

/// <summary>The inbound queue on the wallboard: calls waiting now and today's figures (this node's dialer).</summary>
/// <param name="Waiting">Callers in the queue now.</param>
/// <param name="LongestWaitSeconds">How long the caller waiting longest has waited.</param>
/// <param name="Answered">Calls an operator took today.</param>
/// <param name="AnsweredWithinTarget">Of those, taken within <paramref name="TargetSeconds"/> of joining the queue.</param>
/// <param name="AbandonedInQueue">Callers who hung up while waiting today.</param>
/// <param name="ServiceLevel">Answered within the target over answered plus abandoned after the target (0..1); 1 with no calls.</param>
/// <param name="Voicemails">Messages left today (outside hours or after the longest wait).</param>
/// <param name="Reserved">Ready operators outbound pacing holds back for the queue now (blending).</param>
/// <param name="ReservedNeeded">Operators the target needs in all for the recent arrivals (Erlang C), those talking to callers included.</param>
/// <param name="ArrivalsPerHour">Callers who joined the queue per hour, over the recent window.</param>
/// <param name="TargetPercent">The blending target's share: this percentage answered within <paramref name="TargetSeconds"/>.</param>
public sealed record InboundQueueDto(int Waiting, double LongestWaitSeconds, int Answered, int AnsweredWithinTarget, int AbandonedInQueue, double ServiceLevel, int TargetSeconds, int Voicemails,
    int Reserved = 0, int ReservedNeeded = 0, double ArrivalsPerHour = 0, double TargetPercent = 80);
