using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Collections.Testing;

/// <summary>One captured packet: TCP or UDP, its ports and payload.</summary>
public sealed record CapturedPacket(string Transport, int SourcePort, int DestinationPort, byte[] Payload)
{
    /// <summary>Clear-text SIP: a start line or a SIP version token anywhere in the payload.</summary>
    public bool IsClearSip
    {
        get
        {
            var text = Encoding.ASCII.GetString(Payload);
            return text.Contains("SIP/2.0", StringComparison.Ordinal) || text.StartsWith("REGISTER ", StringComparison.Ordinal)
                || text.StartsWith("INVITE ", StringComparison.Ordinal);
        }
    }

    /// <summary>An RTP version-2 header with an audio payload type (RFC 3550 5.1, RFC 3551).</summary>
    public bool LooksLikeRtp => Transport == "udp" && Payload.Length > 12 && (Payload[0] >> 6) == 2 && (Payload[1] & 0x7F) is 0 or 8 or >= 96 and <= 127 && Payload[1] is < 192 or > 223;

    /// <summary>Shannon entropy of the RTP payload in bits per octet: encrypted payloads sit near 7 and above, G.711 audio well below.</summary>
    public double PayloadEntropy => Entropy(Payload.AsSpan(12));

    /// <summary>An RTP packet whose payload is audio as it was spoken (low entropy), not SRTP ciphertext.</summary>
    public bool IsClearRtp => LooksLikeRtp && PayloadEntropy < 6.2;

    /// <summary>A DTLS record (RFC 7983: first octet 20 to 63) on a media port.</summary>
    public bool IsDtls => Transport == "udp" && Payload.Length > 13 && Payload[0] is >= 20 and <= 63 && Payload[1] == 0xFE;

    private static double Entropy(ReadOnlySpan<byte> data)
    {
        Span<int> counts = stackalloc int[256];
        foreach (var b in data)
        {
            counts[b]++;
        }

        var entropy = 0.0;
        foreach (var c in counts)
        {
            if (c > 0)
            {
                var p = (double)c / data.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }
}

/// <summary>
/// tshark (Debian tshark) capturing on the loopback interface with a capture filter, then reading the packets back: what a
/// person with access to the network would see of a call. Started before the call, stopped after it.
/// </summary>
public sealed class PacketCapture : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _file;
    private readonly StringBuilder _errors = new();

    /// <summary>A pcap file's global header: the size of a capture file that holds no packet yet.</summary>
    private const int PcapHeaderBytes = 24;

    private PacketCapture(Process process, string file)
    {
        _process = process;
        _file = file;
    }

    /// <summary>Starts tshark on lo with <paramref name="filter"/> (BPF) and waits until it captures.</summary>
    public static async Task<PacketCapture> StartAsync(string filter, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"capture-{Guid.NewGuid():N}.pcap");
        var psi = new ProcessStartInfo("tshark") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-i", "lo", "-f", filter, "-w", file, "-F", "pcap", "-q" })
        {
            psi.ArgumentList.Add(a);
        }

        var capture = new PacketCapture(Process.Start(psi)!, file);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        capture._process.ErrorDataReceived += (_, e) =>
        {
            lock (capture._errors)
            {
                capture._errors.AppendLine(e.Data);
            }

            if (e.Data?.Contains("Capturing on", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        capture._process.BeginErrorReadLine();
        capture._process.BeginOutputReadLine();
        await Task.WhenAny(started.Task, Task.Delay(TimeSpan.FromSeconds(20), ct));
        if (!started.Task.IsCompleted)
        {
            throw new InvalidOperationException("tshark did not start capturing: " + capture.Errors);
        }

        return capture;
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>Stops the capture (SIGINT, so the file is complete) and returns every TCP and UDP packet with a payload.</summary>
    public async Task<IReadOnlyList<CapturedPacket>> StopAsync(CancellationToken ct)
    {
        if (!_process.HasExited)
        {
            // The kernel hands captured packets to dumpcap in blocks it retires after a timeout, and dumpcap stops on SIGINT
            // without draining what is still in the ring: packets of the last moments would be missing. Give it that time, and
            // on a loaded machine more: wait until the file has stopped growing (or, for a capture that saw nothing, 5 s).
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var last = -1L;
            for (var waited = 0; waited < 20; waited++)
            {
                var size = File.Exists(_file) ? new FileInfo(_file).Length : 0;
                if (size == last && (size > PcapHeaderBytes || waited >= 8))
                {
                    break;
                }

                last = size;
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }

            using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync(ct);
            await _process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(20), ct);
        }

        var psi = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-r", _file, "-T", "fields", "-E", "separator=|", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "tcp.payload", "-e", "udp.payload" })
        {
            psi.ArgumentList.Add(a);
        }

        using var reader = Process.Start(psi)!;
        var output = await reader.StandardOutput.ReadToEndAsync(ct);
        await reader.WaitForExitAsync(ct);
        var packets = new List<CapturedPacket>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('|');
            if (f.Length < 6)
            {
                continue;
            }

            var tcp = f[0].Length > 0;
            var payload = (tcp ? f[4] : f[5]).Replace(":", string.Empty, StringComparison.Ordinal);
            if (payload.Length == 0)
            {
                continue;
            }

            packets.Add(new CapturedPacket(tcp ? "tcp" : "udp",
                int.Parse(tcp ? f[0] : f[2], CultureInfo.InvariantCulture), int.Parse(tcp ? f[1] : f[3], CultureInfo.InvariantCulture),
                Convert.FromHexString(payload)));
        }

        return packets;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // tshark's dumpcap child holds the pipes: end the whole tree, or waiting for exit never returns.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }

        _process.Dispose();
        File.Delete(_file);
    }
}
