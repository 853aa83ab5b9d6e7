using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Plexus.Aws;
using Plexus.Aws.Client;

namespace Plexus.Client;

/// <summary>An open connection to a Plexus cluster, with an <see cref="ActionClient"/> over it.</summary>
public sealed class PlexusConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private PlexusConnection(IHost host)
    {
        _host = host;
        Actions = new ActionClient(host.Services.GetRequiredService<IClusterClient>());
    }

    /// <summary>Gets the client for actions.</summary>
    public ActionClient Actions { get; }

    /// <summary>Connects to the gateway at <paramref name="gateway"/>; throws <see cref="ClusterUnavailableException"/> when nothing answers.</summary>
    public static Task<PlexusConnection> ConnectAsync(IPEndPoint gateway, CancellationToken cancellationToken = default) =>
        ConnectAsync(client => client.UseStaticClustering(gateway), ClusterIds.ClusterId, ClusterIds.ServiceId, $"at {gateway}", cancellationToken);

    /// <summary>
    /// Connects to the cluster <paramref name="clusterId"/> of the <c>Aws</c> profile, finding its gateways in the
    /// DynamoDB membership table; throws <see cref="ClusterUnavailableException"/> when none answers.
    /// </summary>
    public static Task<PlexusConnection> ConnectAwsAsync(
        PlexusAwsSettings aws, string clusterId = ClusterIds.ClusterId, string serviceId = ClusterIds.ServiceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(aws);
        return ConnectAsync(client => client.UseDynamoDbClustering(aws), clusterId, serviceId, $"'{clusterId}' (DynamoDB membership)", cancellationToken);
    }

    private static async Task<PlexusConnection> ConnectAsync(
        Action<IClientBuilder> clustering, string clusterId, string serviceId, string where, CancellationToken cancellationToken)
    {
        // An empty builder: no console logging from the Orleans client in a command-line tool.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client =>
        {
            clustering(client);

            // Orleans' default filter retries the first connection for about three minutes; a command-line user
            // is better served by an answer now (exit 69) than by a silent wait.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false))
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterUnavailableException($"Cannot reach the Plexus cluster {where}: {ex.Message}", ex);
        }

        return new PlexusConnection(host);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
