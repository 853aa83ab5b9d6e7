using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Plexus.Client;

/// <summary>An open connection to a Plexus cluster, with an <see cref="ActionClient"/> over it.</summary>
public sealed class PlexusConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private PlexusConnection(IHost host, IPEndPoint gateway)
    {
        _host = host;
        Gateway = gateway;
        Actions = new ActionClient(host.Services.GetRequiredService<IClusterClient>());
    }

    /// <summary>Gets the gateway this connection goes through.</summary>
    public IPEndPoint Gateway { get; }

    /// <summary>Gets the client for actions.</summary>
    public ActionClient Actions { get; }

    /// <summary>Connects to the gateway at <paramref name="gateway"/>; throws <see cref="ClusterUnavailableException"/> when nothing answers.</summary>
    public static async Task<PlexusConnection> ConnectAsync(IPEndPoint gateway, CancellationToken cancellationToken = default)
    {
        // An empty builder: no console logging from the Orleans client in a command-line tool.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client => client
            .UseStaticClustering(gateway)
            // Orleans' default filter retries the first connection for about three minutes; a command-line user
            // is better served by an answer now (exit 69) than by a silent wait.
            .UseConnectionRetryFilter((_, _) => Task.FromResult(false))
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterIds.ClusterId, ClusterIds.ServiceId)));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterUnavailableException($"Cannot reach the Plexus cluster at {gateway}: {ex.Message}", ex);
        }

        return new PlexusConnection(host, gateway);
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
