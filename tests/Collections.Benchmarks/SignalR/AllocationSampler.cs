using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Collections.Benchmarks.SignalR;

/// <summary>What this process allocates, by type, from the runtime's allocation ticks (one event about every 100 KB allocated,
/// naming the type whose allocation crossed the mark): a sampled profile without dotnet-trace, for the console benchmark's
/// <c>--allocations</c>.</summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    public bool Measuring { get; set; }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Measuring || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }

    /// <summary>The types that took most of the sampled bytes, with their share.</summary>
    public IEnumerable<string> Top(int count)
    {
        var total = Math.Max(1, _bytesByType.Values.Sum());
        return _bytesByType.OrderByDescending(p => p.Value).Take(count)
            .Select(p => System.FormattableString.Invariant($"  {p.Value * 100.0 / total,5:0.0} %  {p.Value / 1048576.0,7:0.0} MiB  {p.Key}"));
    }
}
