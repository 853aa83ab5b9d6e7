using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Runtime;

namespace Plexus.Silo.Hosting;

/// <summary>
/// What a silo of the <c>Aws</c> profile announces to the others and to clients, and what it listens on: from the ECS
/// task metadata endpoint when the silo runs as an ECS task, else from configuration.
/// </summary>
/// <param name="Address">The address it announces.</param>
/// <param name="SiloPort">The silo-to-silo port it announces (a host port in ECS bridge mode).</param>
/// <param name="GatewayPort">The gateway port it announces (a host port in ECS bridge mode).</param>
/// <param name="ListenSiloPort">The silo-to-silo port it listens on inside its container.</param>
/// <param name="ListenGatewayPort">The gateway port it listens on inside its container.</param>
/// <param name="Source">Where the announced address and ports came from, for the ready line.</param>
public sealed record SiloEndpoints(IPAddress Address, int SiloPort, int GatewayPort, int ListenSiloPort, int ListenGatewayPort, string Source)
{
    /// <summary>The variable ECS sets in every container of a task (agent 1.39 and later, Fargate 1.4 and later).</summary>
    public const string MetadataVariable = "ECS_CONTAINER_METADATA_URI_V4";

    // The metadata endpoint answers within milliseconds on the task's own link; longer means it is not there.
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Describes the endpoints for the ready line.</summary>
    public override string ToString() =>
        $"advertised {Address} silo port {SiloPort}, gateway port {GatewayPort}" +
        (ListenSiloPort != SiloPort || ListenGatewayPort != GatewayPort ? $" (listening on {ListenSiloPort}, {ListenGatewayPort})" : "") +
        $" from {Source}";

    /// <summary>
    /// Resolves the endpoints: from the container metadata at <paramref name="metadataUri"/> when it is set (awsvpc: the
    /// task's IPv4 address and the container ports; bridge: the host ports mapped to the container ports and the
    /// instance's address; host: the instance's address and the ports as configured), else from
    /// <paramref name="options"/>. Throws <see cref="OrleansConfigurationException"/> with what is wrong when the
    /// metadata is there but unusable.
    /// </summary>
    public static async Task<SiloEndpoints> ResolveAsync(SiloOptions options, string? metadataUri, HttpClient http, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        if (string.IsNullOrWhiteSpace(metadataUri))
        {
            var (address, source) = ConfiguredAddress(options);
            return new(address, options.SiloPort, options.GatewayPort, options.SiloPort, options.GatewayPort, source);
        }

        var container = await ReadAsync<ContainerMetadata>(http, metadataUri, $"the ECS container metadata ({MetadataVariable}={metadataUri})", cancellationToken).ConfigureAwait(false);
        var network = container.Networks?.FirstOrDefault()
            ?? throw Unusable(metadataUri, "it lists no network of the container (Networks is empty)");
        switch (network.NetworkMode?.ToLowerInvariant())
        {
            case "awsvpc":
                var text = network.IPv4Addresses?.FirstOrDefault()
                    ?? throw Unusable(metadataUri, "the awsvpc network has no IPv4 address (IPv4Addresses is empty)");
                var taskAddress = IPAddress.TryParse(text, out var parsed) && parsed.AddressFamily == AddressFamily.InterNetwork
                    ? parsed
                    : throw Unusable(metadataUri, $"the awsvpc network's address '{text}' is not an IPv4 address");
                return new(taskAddress, options.SiloPort, options.GatewayPort, options.SiloPort, options.GatewayPort, "ECS task metadata (awsvpc: the task's address)");
            case "bridge":
                var (instance, instanceSource) = await InstanceAddressAsync(options, http, cancellationToken).ConfigureAwait(false);
                return new(
                    instance,
                    HostPort(container, options.SiloPort, "Plexus:SiloPort", metadataUri),
                    HostPort(container, options.GatewayPort, "Plexus:GatewayPort", metadataUri),
                    options.SiloPort,
                    options.GatewayPort,
                    $"ECS task metadata (bridge: host ports; the instance's address from {instanceSource})");
            case "host":
                var (host, hostSource) = await InstanceAddressAsync(options, http, cancellationToken).ConfigureAwait(false);
                return new(host, options.SiloPort, options.GatewayPort, options.SiloPort, options.GatewayPort, $"ECS task metadata (host: the instance's address from {hostSource})");
            default:
                throw Unusable(metadataUri, $"its network mode '{network.NetworkMode}' is not one a silo can announce itself in (awsvpc, bridge or host)");
        }
    }

    private static (IPAddress Address, string Source) ConfiguredAddress(SiloOptions options)
    {
        if (options.AdvertisedIp is { Length: > 0 } text)
        {
            return IPAddress.TryParse(text, out var address)
                ? (address, "Plexus:AdvertisedIp")
                : throw new OrleansConfigurationException($"Plexus:AdvertisedIp '{text}' is not an IP address.");
        }

        // Outside ECS the first IPv4 address is the best guess of the one peers reach this machine on.
        var first = Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return first is null ? (IPAddress.Loopback, "loopback (the machine has no other IPv4 address)") : (first, "the machine's first IPv4 address");
    }

    // In bridge mode the container's own address is the Docker bridge's, which other hosts cannot reach: the instance's
    // private address is, from Plexus:AdvertisedIp or EC2 instance metadata (IMDSv2; its hop limit must allow containers, 2).
    private static async Task<(IPAddress Address, string Source)> InstanceAddressAsync(SiloOptions options, HttpClient http, CancellationToken cancellationToken)
    {
        if (options.AdvertisedIp is { Length: > 0 })
        {
            return ConfiguredAddress(options);
        }

        var imds = options.Ecs.InstanceMetadataUrl.TrimEnd('/');
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(MetadataTimeout);
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Put, $"{imds}/latest/api/token");
            tokenRequest.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "60");
            using var tokenResponse = await http.SendAsync(tokenRequest, timeout.Token).ConfigureAwait(false);
            tokenResponse.EnsureSuccessStatusCode();
            var token = await tokenResponse.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            using var addressRequest = new HttpRequestMessage(HttpMethod.Get, $"{imds}/latest/meta-data/local-ipv4");
            addressRequest.Headers.Add("X-aws-ec2-metadata-token", token);
            using var addressResponse = await http.SendAsync(addressRequest, timeout.Token).ConfigureAwait(false);
            addressResponse.EnsureSuccessStatusCode();
            var text = (await addressResponse.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false)).Trim();
            return IPAddress.TryParse(text, out var address)
                ? (address, "EC2 instance metadata")
                : throw new OrleansConfigurationException($"EC2 instance metadata ({imds}) gave '{text}' as the instance's address, which is not an IP address.");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new OrleansConfigurationException(
                $"The ECS task runs in bridge or host network mode, so the silo announces the instance's address, but EC2 instance metadata " +
                $"({imds}) did not give it: {ex.Message}. Set Plexus:AdvertisedIp to the instance's private address, or allow the container to " +
                "reach instance metadata (IMDSv2 with a hop limit of 2).", ex);
        }
    }

    private static int HostPort(ContainerMetadata container, int containerPort, string key, string metadataUri)
    {
        var mapping = container.Ports?.FirstOrDefault(p => p.ContainerPort == containerPort && (p.Protocol is null || p.Protocol.Equals("tcp", StringComparison.OrdinalIgnoreCase)));
        if (mapping is { HostPort: > 0 })
        {
            return mapping.HostPort;
        }

        var mapped = string.Join(", ", container.Ports?.Select(p => $"{p.ContainerPort}->{p.HostPort}").Distinct() ?? []);
        throw Unusable(metadataUri, $"in bridge mode container port {containerPort} ({key}) needs a port mapping to a host port, and the container has none " +
            $"(mapped: {(mapped.Length > 0 ? mapped : "none")}); add it to the task definition's portMappings");
    }

    private static async Task<T> ReadAsync<T>(HttpClient http, string uri, string what, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(MetadataTimeout);
            var text = await http.GetStringAsync(new Uri(uri), timeout.Token).ConfigureAwait(false);
            return JsonSerializer.Deserialize<T>(text) ?? throw new JsonException("the document is null");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or UriFormatException
                                      or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new OrleansConfigurationException($"Cannot read {what}: {ex.Message}. Unset {MetadataVariable} outside ECS.", ex);
        }
    }

    private static OrleansConfigurationException Unusable(string metadataUri, string problem) =>
        new($"The ECS container metadata ({MetadataVariable}={metadataUri}) cannot be used to announce this silo: {problem}.");

    // The parts of the v4 container metadata document a silo reads.
    private sealed record ContainerMetadata(
        [property: JsonPropertyName("Networks")] List<NetworkMetadata>? Networks,
        [property: JsonPropertyName("Ports")] List<PortMetadata>? Ports);

    private sealed record NetworkMetadata(
        [property: JsonPropertyName("NetworkMode")] string? NetworkMode,
        [property: JsonPropertyName("IPv4Addresses")] List<string>? IPv4Addresses);

    private sealed record PortMetadata(
        [property: JsonPropertyName("ContainerPort")] int ContainerPort,
        [property: JsonPropertyName("HostPort")] int HostPort,
        [property: JsonPropertyName("Protocol")] string? Protocol);
}
