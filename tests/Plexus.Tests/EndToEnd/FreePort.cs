using System.Net;
using System.Net.Sockets;

namespace Plexus.Tests.EndToEnd;

/// <summary>Finds TCP ports on 127.0.0.1 that nothing listens on.</summary>
public static class FreePort
{
    /// <summary>Returns a port the system just handed out for a bind to port 0, released again for the caller to take.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Returns two different free ports.</summary>
    public static (int First, int Second) NextPair()
    {
        var first = Next();
        var second = Next();
        while (second == first)
        {
            second = Next();
        }

        return (first, second);
    }
}
