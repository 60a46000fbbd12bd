using System.Diagnostics;
using System.Globalization;
using Collections.Shared.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Collections.Benchmarks.SignalR;

/// <summary>The benchmark's wallboards: N connections to the supervisors' hub, each measuring every update's delay (its receive
/// time on <paramref name="now"/> minus the board's <c>SentAt</c>). The same code runs in the node's process (the old mode)
/// or in a process of its own (<c>--clients-process</c>), where the clients' deserialisation and collections are not the node's.</summary>
public sealed class WallboardClients(Uri baseAddress, string cookie, bool messagePack, bool deltas, Func<DateTimeOffset> now)
{
    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    private readonly Lock _gate = new();
    private readonly List<double> _delays = [];
    private readonly Dictionary<DateTimeOffset, double> _slowestByUpdate = [];
    private readonly List<HubConnection> _boards = [];
    private long _sampledBytes;
    private long _sampledMessages;
    private int _measuring;
    private int _failed;
    private int _resyncs;

    public int Failed => Volatile.Read(ref _failed);

    public int Resyncs => Volatile.Read(ref _resyncs);

    public int Held => _boards.Count(b => b.State == HubConnectionState.Connected);

    /// <summary>One wallboard's received messages re-serialised as JSON, averaged: the size of an update whatever the protocol.</summary>
    public long BytesPerUpdate
    {
        get
        {
            lock (_gate)
            {
                return _sampledMessages == 0 ? 0 : _sampledBytes / _sampledMessages;
            }
        }
    }

    public bool Measuring
    {
        get => Volatile.Read(ref _measuring) == 1;
        set => Volatile.Write(ref _measuring, value ? 1 : 0);
    }

    /// <summary>The delays measured so far, sorted.</summary>
    public double[] Delays()
    {
        lock (_gate)
        {
            return [.. _delays.Order()];
        }
    }

    /// <summary>How many of the updates (one a second, each to every wallboard) reached some wallboard later than
    /// <paramref name="ms"/>, and how many updates there were: whether a tail is a few bad seconds or every second's last connections.</summary>
    public (int Slow, int Updates) SlowUpdates(double ms)
    {
        lock (_gate)
        {
            return (_slowestByUpdate.Values.Count(d => d > ms), _slowestByUpdate.Count);
        }
    }

    /// <summary>Connects <paramref name="count"/> wallboards in batches of 50, so the node is not hit by all handshakes at once.</summary>
    public async Task ConnectAsync(int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i += 50)
        {
            var first = i == 0;
            var batch = Enumerable.Range(0, Math.Min(50, count - i)).Select(n => ConnectOneAsync(first && n == 0, ct));
            _boards.AddRange((await Task.WhenAll(batch)).OfType<HubConnection>());
        }
    }

    private async Task<HubConnection?> ConnectOneAsync(bool sampler, CancellationToken ct)
    {
        var hub = Hub(baseAddress, ConsoleHubs.SupervisorPath, cookie, messagePack);
        void Measure(DateTimeOffset sentAt, object message)
        {
            if (Measuring)
            {
                var delay = (now() - sentAt).TotalMilliseconds;
                lock (_gate)
                {
                    _delays.Add(delay);
                    _slowestByUpdate[sentAt] = Math.Max(delay, _slowestByUpdate.GetValueOrDefault(sentAt));
                    if (sampler)
                    {
                        _sampledBytes += System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message, Web).Length;
                        _sampledMessages++;
                    }
                }
            }
        }

        FollowedBoard? board = null;
        if (deltas)
        {
            // What a page does: hold a board of one epoch and version, apply each next delta, ask again on a gap.
            board = new FollowedBoard();
            hub.On<WallboardDeltaDto>(nameof(ISupervisorClient.WallboardDelta), delta =>
            {
                Measure(delta.SentAt, delta);
                if (!board.TryApply(delta))
                {
                    Interlocked.Increment(ref _resyncs);
                    _ = board.FollowAsync(hub);
                }
            });
            hub.Reconnected += _ => board.FollowAsync(hub);
        }
        else
        {
            hub.On<WallboardDto>(nameof(ISupervisorClient.Wallboard), b => Measure(b.SentAt, b));
        }

        try
        {
            await hub.StartAsync(ct);
            if (board is not null)
            {
                await board.FollowAsync(hub);
            }

            return hub;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or System.Net.WebSockets.WebSocketException or HubException or OperationCanceledException)
        {
            Interlocked.Increment(ref _failed);
            await hub.DisposeAsync();
            return null;
        }
    }

    public async Task DisposeAllAsync()
    {
        foreach (var hub in _boards)
        {
            await hub.DisposeAsync();
        }
    }

    /// <summary>A hub connection with the sign-in cookie and the protocol asked for.</summary>
    public static HubConnection Hub(Uri baseAddress, string path, string cookie, bool messagePack)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, path), o => o.Headers["Cookie"] = cookie);
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        var hub = builder.Build();
        // Generous timeouts: a connection counts as held unless the node really drops it, not because the shared
        // machine was slow to finish a handshake.
        hub.HandshakeTimeout = TimeSpan.FromSeconds(60);
        hub.ServerTimeout = TimeSpan.FromSeconds(120);
        return hub;
    }

    /// <summary>
    /// The wallboards in a process of their own (<c>console-clients</c>, started by the benchmark with <c>--clients-process</c>):
    /// connects, says <c>connected held failed</c> on stdout, measures from <c>start</c> to <c>stop</c> on stdin, then answers one
    /// line <c>result</c> with the sorted delays' count, p50, p99 and max, the resyncs, the bytes per update, the CPU this
    /// process got, the wallboards still connected, its GCs and GC pause time, the updates that reached some wallboard after
    /// more than 100 ms of how many, and the bytes of the no-GC region it measured in (0: none, or it did not hold). The clock is the node's: the real clock plus the offset the node's clock runs ahead by.
    /// </summary>
    public static async Task RunChildAsync(string[] args)
    {
        var baseAddress = new Uri(args[1]);
        var cookie = args[2];
        var count = int.Parse(args[3], CultureInfo.InvariantCulture);
        var messagePack = args[4] == "msgpack";
        var deltas = args[5] == "deltas";
        var offset = TimeSpan.FromTicks(long.Parse(args[6], CultureInfo.InvariantCulture));
        var clients = new WallboardClients(baseAddress, cookie, messagePack, deltas, () => TimeProvider.System.GetUtcNow() + offset);
        await clients.ConnectAsync(count, CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"connected {clients.Held} {clients.Failed}"));
        var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = default, pausedBefore = default;
        var collectionsBefore = 0;
        long noGcRegion = 0;
        var wall = new Stopwatch();
        while (Console.ReadLine() is { } command)
        {
            if (command == "start")
            {
                // No collection in this process while it measures, if the runtime grants a region big enough: one collection
                // here stops all 1,991 clients at once (80 to 280 ms each on this machine, 2026-12-05), which 1,991 browsers
                // never do together. The result says whether the region held; the node's own collections are not touched.
                noGcRegion = StartNoGcRegion();
                process.Refresh();
                cpuBefore = process.TotalProcessorTime;
                pausedBefore = GC.GetTotalPauseDuration();
                collectionsBefore = GC.CollectionCount(0);
                wall.Start();
                clients.Measuring = true;
            }
            else if (command == "stop")
            {
                clients.Measuring = false;
                if (noGcRegion > 0 && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
                {
                    GC.EndNoGCRegion();
                }
                else
                {
                    noGcRegion = 0;
                }

                process.Refresh();
                var cores = (process.TotalProcessorTime - cpuBefore).TotalSeconds / wall.Elapsed.TotalSeconds;
                var d = clients.Delays();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"result {d.Length} {Percentile(d, 0.50)} {Percentile(d, 0.99)} {(d.Length == 0 ? double.NaN : d[^1])} {clients.Resyncs} {clients.BytesPerUpdate} {cores} {clients.Held} {GC.CollectionCount(0) - collectionsBefore} {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds} {clients.SlowUpdates(100).Slow} {clients.SlowUpdates(100).Updates} {noGcRegion}"));
                break;
            }
        }

        await clients.DisposeAllAsync();
    }

    /// <summary>Starts the largest no-GC region the runtime grants of 1 GiB, 512, 256 or 128 MiB; its size, or 0.</summary>
    private static long StartNoGcRegion()
    {
        foreach (var mib in new long[] { 1024, 512, 256, 128 })
        {
            try
            {
                if (GC.TryStartNoGCRegion(mib * 1048576))
                {
                    return mib * 1048576;
                }
            }
            catch (ArgumentOutOfRangeException)
            {
                // Larger than this runtime allows; try the next size.
            }
        }

        return 0;
    }

    public static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    /// <summary>A wallboard that follows the changes as the page does (wallboard.js): the board of one epoch at one version,
    /// each next delta applied to it; any other delta means a message was missed and the whole board is asked for again.</summary>
    private sealed class FollowedBoard
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<Guid, AgentStatusDto> _agents = [];
        private readonly Dictionary<Guid, CampaignBoardDto> _campaigns = [];
        private string? _epoch;
        private long _version;
        private int _following;

        public async Task FollowAsync(HubConnection hub)
        {
            if (Interlocked.Exchange(ref _following, 1) == 1)
            {
                return;
            }

            try
            {
                var board = await hub.InvokeAsync<WallboardDto>("FollowChanges");
                lock (_gate)
                {
                    _agents.Clear();
                    _campaigns.Clear();
                    foreach (var a in board.Agents)
                    {
                        _agents[a.AgentId] = a;
                    }

                    foreach (var c in board.Campaigns)
                    {
                        _campaigns[c.Id] = c;
                    }

                    (_epoch, _version) = (board.Epoch, board.Version);
                }
            }
            catch (Exception ex) when (ex is HubException or InvalidOperationException or OperationCanceledException or IOException)
            {
                // The connection is closing (the run ended); nothing to follow.
            }
            finally
            {
                Volatile.Write(ref _following, 0);
            }
        }

        /// <summary>False when the delta does not follow the board held (the caller asks for the whole board again).</summary>
        public bool TryApply(WallboardDeltaDto delta)
        {
            if (Volatile.Read(ref _following) == 1)
            {
                return true;
            }

            lock (_gate)
            {
                if (delta.Epoch == _epoch && delta.Version <= _version)
                {
                    return true;
                }

                if (delta.Epoch != _epoch || delta.Version != _version + 1)
                {
                    return false;
                }

                _version = delta.Version;
                delta.ApplyTo(_agents, _campaigns);

                return true;
            }
        }
    }
}
