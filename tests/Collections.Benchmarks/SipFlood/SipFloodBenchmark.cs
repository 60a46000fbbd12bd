using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Collections.Dialer.Sip;

namespace Collections.Benchmarks.SipFlood;

/// <summary>
/// Memory of the dialer's SIP endpoint under a bounded flood (issue 19, finding 2): a user agent set up as the main job's
/// (registrar for one extension, no inbound calls) receives N datagrams on 127.0.0.1 from 8 sockets: 40 % malformed, 25 %
/// INVITEs (one in five of them 60 KB), 25 % REGISTERs with wrong credentials or unknown extensions, 10 % OPTIONS.
/// Prints one JSON line: managed heap and working set before, at their peak (sampled every 50 ms) and 5 s after the last
/// datagram, the most transactions held at once, responses received per request sent.
/// Usage: dotnet run -c Release --project tests/Collections.Benchmarks -- sip-flood [datagrams] [per-ms]
/// </summary>
internal static class SipFloodBenchmark
{
    public static async Task RunAsync(int datagrams, int perMillisecond)
    {
        var registrar = new Registrar(new RegistrarOptions { Users = { ["1001"] = "agent-secret" } }, TimeProvider.System);
        await using var ua = new SipUserAgent(TimeProvider.System) { Register = registrar.HandleAsync };
        ua.Start(IPAddress.Loopback);
        var target = ua.Stack.Transport.UdpEndPoint;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var heapBefore = GC.GetTotalMemory(true);
        var wsBefore = process.WorkingSet64;

        long peakHeap = heapBefore, peakWs = wsBefore, peakTx = 0, responses = 0, responseBytes = 0, sentBytes = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                peakWs = Math.Max(peakWs, process.WorkingSet64);
                peakTx = Math.Max(peakTx, ua.Stack.ActiveTransactions);
                await Task.Delay(50, CancellationToken.None);
            }
        });

        var senders = Enumerable.Range(0, 8).Select(_ =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return s;
        }).ToArray();
        var receivers = senders.Select(s => Task.Run(async () =>
        {
            var buffer = new byte[65536];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var r = await s.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                    Interlocked.Increment(ref responses);
                    Interlocked.Add(ref responseBytes, r.ReceivedBytes);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        })).ToArray();

        var random = new Random(19);
        var padding = "a=x-pad:" + new string('x', 1000) + "\r\n";
        var big = string.Concat(Enumerable.Repeat(padding, 60));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < datagrams; i++)
        {
            var socket = senders[i % senders.Length];
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            var kind = random.Next(100);
            byte[] bytes = kind switch
            {
                < 40 => Malformed(random),
                < 65 => Request("INVITE", port, i, kind < 45 ? big : "v=0\r\n"),
                < 90 => Request("REGISTER", port, i, null, kind < 78 ? "1001" : "9" + i.ToString(CultureInfo.InvariantCulture)),
                _ => Request("OPTIONS", port, i, null),
            };
            sentBytes += bytes.Length;
            await socket.SendToAsync(bytes, SocketFlags.None, target);
            if (perMillisecond > 0 && i % perMillisecond == perMillisecond - 1)
            {
                // Pace the flood: at most perMillisecond datagrams per elapsed millisecond.
                var ahead = (i + 1) / perMillisecond - clock.ElapsedMilliseconds;
                if (ahead > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(ahead));
                }
            }
        }

        var floodSeconds = clock.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(5));
        process.Refresh();
        var heapAfter = GC.GetTotalMemory(false);
        var wsAfter = process.WorkingSet64;
        var txAfter = ua.Stack.ActiveTransactions;
        await stop.CancelAsync();
        foreach (var s in senders)
        {
            s.Dispose();
        }

        await sampler;
        await Task.WhenAll(receivers);
        const double mb = 1024 * 1024;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            datagrams,
            floodSeconds = Math.Round(floodSeconds, 1),
            sentMB = Math.Round(sentBytes / mb, 1),
            dropped = ua.Stack.Transport.Dropped,
            heapBeforeMB = Math.Round(heapBefore / mb, 1),
            heapPeakMB = Math.Round(peakHeap / mb, 1),
            heapAfter5sMB = Math.Round(heapAfter / mb, 1),
            workingSetBeforeMB = Math.Round(wsBefore / mb, 1),
            workingSetPeakMB = Math.Round(peakWs / mb, 1),
            workingSetAfter5sMB = Math.Round(wsAfter / mb, 1),
            transactionsPeak = peakTx,
            transactionsAfter5s = txAfter,
            responses,
            responseMB = Math.Round(responseBytes / mb, 1),
        }));
    }

    private static byte[] Malformed(Random random)
    {
        var bytes = new byte[random.Next(40, 1400)];
        random.NextBytes(bytes);
        if (random.Next(2) == 0)
        {
            // A start line that looks like SIP, then garbage: reaches the header parser.
            Encoding.ASCII.GetBytes("INVITE sip:x@y SIP/2.0\r\nVia: ").CopyTo(bytes, 0);
        }

        return bytes;
    }

    private static byte[] Request(string method, int port, int n, string? body, string user = "1001")
    {
        var sb = new StringBuilder();
        var id = n.ToString(CultureInfo.InvariantCulture);
        sb.Append(CultureInfo.InvariantCulture, $"{method} sip:{user}@127.0.0.1 SIP/2.0\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKflood{id};rport\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"From: <sip:{user}@127.0.0.1>;tag=f{id}\r\nTo: <sip:{user}@127.0.0.1>\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Call-ID: flood-{id}\r\nCSeq: 1 {method}\r\nMax-Forwards: 70\r\n");
        if (method == "REGISTER")
        {
            sb.Append(CultureInfo.InvariantCulture, $"Contact: <sip:evil@127.0.0.1:{port}>\r\nExpires: 300\r\n");
            sb.Append(CultureInfo.InvariantCulture,
                $"Authorization: Digest username=\"{user}\", realm=\"collections\", nonce=\"1.{id}\", uri=\"sip:127.0.0.1\", response=\"{id}\", algorithm=MD5\r\n");
        }

        var payload = body is null ? [] : Encoding.ASCII.GetBytes(body);
        if (body is not null)
        {
            sb.Append("Content-Type: application/sdp\r\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"Content-Length: {payload.Length}\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(sb.ToString()), .. payload];
    }
}
