using System.Net;
using System.Net.Sockets;

namespace Collections.Testing;

/// <summary>Free loopback ports for servers a test starts that must be told their port in advance.</summary>
public static class FreePorts
{
    /// <summary>
    /// A port free on UDP and TCP, together with the next <paramref name="following"/> ports, between
    /// <paramref name="from"/> and <paramref name="to"/>. The default range stays below our RTP ports (10000-30000), SIPp's
    /// media (61000-65500) and the kernel's ephemeral ports (32768-60999), so nothing else grabs it before the server binds.
    /// </summary>
    public static int UdpAndTcp(int following = 0, int from = 6000, int to = 9900) => Find(following + 1, from, to, tcp: true, align: 1);

    /// <summary>
    /// The first of <paramref name="count"/> consecutive ports, a multiple of <paramref name="align"/>, free on UDP (and on
    /// TCP when <paramref name="tcp"/>), between <paramref name="from"/> and <paramref name="to"/>.
    /// </summary>
    public static int Find(int count, int from, int to, bool tcp, int align)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(from, to) / align * align;
            var sockets = new List<Socket>();
            try
            {
                for (var p = port; p < port + count; p++)
                {
                    foreach (var (type, protocol) in tcp ? [(SocketType.Dgram, ProtocolType.Udp), (SocketType.Stream, ProtocolType.Tcp)] : new[] { (SocketType.Dgram, ProtocolType.Udp) })
                    {
                        var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
                        sockets.Add(socket);
                        socket.Bind(new IPEndPoint(IPAddress.Loopback, p));
                    }
                }

                return port;
            }
            catch (SocketException)
            {
            }
            finally
            {
                sockets.ForEach(s => s.Dispose());
            }
        }

        throw new InvalidOperationException($"no {count} free ports between {from} and {to}");
    }
}
