using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;
using static Plexus.Aws.Client.MembershipRecords;

namespace Plexus.Aws.Client;

/// <summary>
/// Lets a client find the cluster's gateways: the active silos of its cluster in the DynamoDB membership table that
/// accept clients (have a proxy port). Reads only; never creates the table.
/// </summary>
public sealed partial class DynamoDbGatewayListProvider : IGatewayListProvider, IDisposable
{
    private readonly DynamoDbGatewayOptions _options;
    private readonly string _clusterId;
    private readonly ILogger<DynamoDbGatewayListProvider> _logger;
    private readonly ProviderClient<IAmazonDynamoDB> _client;

    /// <summary>
    /// Creates the provider for the cluster named by <see cref="ClusterOptions.ClusterId"/>. It uses
    /// <paramref name="client"/> (in a container: the keyed service <see cref="DynamoDbGatewayOptions.ClientKey"/>) when
    /// given, else a client built from <paramref name="options"/>.
    /// </summary>
    public DynamoDbGatewayListProvider(
        IOptions<DynamoDbGatewayOptions> options,
        IOptions<ClusterOptions> clusterOptions,
        IOptions<GatewayOptions> gatewayOptions,
        ILogger<DynamoDbGatewayListProvider> logger,
        [FromKeyedServices(DynamoDbGatewayOptions.ClientKey)] IAmazonDynamoDB? client = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        ArgumentNullException.ThrowIfNull(gatewayOptions);
        _options = options.Value;
        _clusterId = clusterOptions.Value.ClusterId;
        _logger = logger;
        MaxStaleness = gatewayOptions.Value.GatewayListRefreshPeriod;
        _client = new(client, () => DynamoDbClientFactory.Create(_options));
    }

    /// <inheritdoc />
    public TimeSpan MaxStaleness { get; }

    /// <inheritdoc />
    public bool IsUpdatable => true;

    /// <inheritdoc />
    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken)
    {
        var items = await QueryPartitionAsync(_client.Value, _options.FullTableName, _clusterId, cancellationToken).ConfigureAwait(false);
        var gateways = items
            .Where(i => i[RowKey].S != VersionRowKey)
            .Where(i => (SiloStatus)IntOf(i, Status) == SiloStatus.Active && IntOf(i, ProxyPort) > 0)
            .Select(ToEntry)
            .Select(e => Orleans.Runtime.SiloAddress.New(e.SiloAddress.Endpoint.Address, e.ProxyPort, e.SiloAddress.Generation).ToGatewayUri())
            .ToList();
        LogGatewaysFound(gateways.Count, _clusterId);
        return gateways;
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    [Obsolete("The runtime calls InitializeGatewayListProviderAsync.")]
    Task IGatewayListProvider.InitializeGatewayListProvider() => InitializeGatewayListProviderAsync(CancellationToken.None);

    [Obsolete("The runtime calls GetGatewaysAsync.")]
    Task<IList<Uri>> IGatewayListProvider.GetGateways() => GetGatewaysAsync(CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Found {Count} gateways of cluster {ClusterId}")]
    private partial void LogGatewaysFound(int count, string clusterId);
}
