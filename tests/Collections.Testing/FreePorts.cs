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
    public static int UdpAndTcp(int following = 0, int from = 6000, int to = 9900)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(from, to);
            var sockets = new List<Socket>();
            try
            {
                for (var p = port; p <= port + following; p++)
                {
                    foreach (var (type, protocol) in new[] { (SocketType.Dgram, ProtocolType.Udp), (SocketType.Stream, ProtocolType.Tcp) })
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

        throw new InvalidOperationException($"no free UDP and TCP port between {from} and {to}");
    }
}
