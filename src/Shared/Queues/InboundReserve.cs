namespace Collections.Shared.Queues;

/// <summary>The inbound traffic a blended floor sees now: callers waiting, operators talking to callers, the recent arrival
/// rate and the mean handle time.</summary>
/// <param name="Waiting">Callers in the queue now.</param>
/// <param name="OnInbound">Operators in an inbound conversation now.</param>
/// <param name="ArrivalsPerHour">Callers who joined the queue per hour, measured over the recent window.</param>
/// <param name="HandleSeconds">Mean seconds an operator spends on one inbound call.</param>
public readonly record struct InboundTraffic(int Waiting, int OnInbound, double ArrivalsPerHour, double HandleSeconds);

/// <summary>How many ready operators outbound pacing leaves for the inbound queue (blending): Erlang C staffing for the
/// service-level target, less the operators already on inbound calls, never fewer than the callers waiting.</summary>
public static class InboundReserve
{
    /// <summary>
    /// Operators the inbound queue needs in all (talking to callers plus idle for the next ones) so that at least
    /// <paramref name="targetShare"/> of callers are answered within <paramref name="targetSeconds"/>, by Erlang C (A. K. Erlang
    /// 1917; the M/M/N queue): with offered load A = arrivals x handle time in erlangs and N operators, the chance a caller
    /// waits is C(N, A), and the service level is 1 - C(N, A) e^(-(N - A) t / handle time). The smallest N above A that meets the
    /// target; 0 when no caller arrives. Capped at <paramref name="max"/> (a floor cannot hold back more than it has).
    /// </summary>
    public static int OperatorsNeeded(double arrivalsPerHour, double handleSeconds, double targetShare, double targetSeconds, int max)
    {
        if (arrivalsPerHour <= 0 || handleSeconds <= 0)
        {
            return 0;
        }

        var erlangs = arrivalsPerHour / 3600 * handleSeconds;
        for (var n = Math.Max(1, (int)Math.Floor(erlangs) + 1); n <= max; n++)
        {
            if (ServiceLevelWith(n, erlangs, handleSeconds, targetSeconds) >= targetShare)
            {
                return n;
            }
        }

        return max;
    }

    /// <summary>The share of callers answered within <paramref name="targetSeconds"/> with <paramref name="operators"/> on the
    /// queue (Erlang C); 0 when the load is at or above the operators (the queue grows without bound).</summary>
    public static double ServiceLevelWith(int operators, double erlangs, double handleSeconds, double targetSeconds)
    {
        if (erlangs <= 0)
        {
            return 1;
        }

        if (operators <= erlangs)
        {
            return 0;
        }

        return 1 - (WaitProbability(operators, erlangs) * Math.Exp(-(operators - erlangs) * targetSeconds / handleSeconds));
    }

    /// <summary>Erlang C: the chance a caller waits with <paramref name="operators"/> and <paramref name="erlangs"/> of load, from
    /// the Erlang B recursion B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1)), then C = N B / (N - A (1 - B)) (numerically stable for
    /// any size of floor, no factorials).</summary>
    public static double WaitProbability(int operators, double erlangs)
    {
        var b = 1.0;
        for (var k = 1; k <= operators; k++)
        {
            b = erlangs * b / (k + (erlangs * b));
        }

        return operators * b / (operators - (erlangs * (1 - b)));
    }

    /// <summary>
    /// Ready operators to hold back from outbound dialing now, at most <paramref name="ready"/>: the operators Erlang C needs for
    /// the target minus those already talking to callers (they are part of the staffing), and at least one per caller waiting
    /// (each needs an operator now, whatever the recent rate says).
    /// </summary>
    public static int Reserve(InboundTraffic traffic, double targetShare, double targetSeconds, int ready, int floor)
    {
        var needed = OperatorsNeeded(traffic.ArrivalsPerHour, traffic.HandleSeconds, targetShare, targetSeconds, Math.Max(0, floor));
        var idle = Math.Max(traffic.Waiting, needed - traffic.OnInbound);
        return Math.Clamp(idle, 0, Math.Max(0, ready));
    }
}
