using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Plexus.Client;

/// <summary>Parses the <c>host:port</c> of a silo gateway.</summary>
public static class GatewayAddress
{
    /// <summary>The gateway used when none is given: the embedded default silo on this machine.</summary>
    public const string Default = "127.0.0.1:30000";

    /// <summary>The environment variable that names the gateway.</summary>
    public const string EnvironmentVariable = "PLEXUS_GATEWAY";

    /// <summary>Resolves <paramref name="text"/> (<c>host:port</c>) to an endpoint, or throws <see cref="PlexusException"/> saying what is wrong.</summary>
    public static IPEndPoint Resolve(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new PlexusException($"'{text}' is not a gateway address: expected host:port, e.g. {Default}.");
        }

        var host = text[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return chosen is null
                ? throw new ClusterUnavailableException($"The gateway host '{host}' has no address.")
                : new IPEndPoint(chosen, port);
        }
        catch (SocketException ex)
        {
            throw new ClusterUnavailableException($"The gateway host '{host}' cannot be resolved: {ex.Message}.", ex);
        }
    }
}
