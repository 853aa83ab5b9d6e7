using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Plexus.Client.Hosting;

namespace Plexus.Client;

/// <summary>
/// A connection of its own to a Plexus cluster, for short-lived programs (a command-line tool, a script, a
/// benchmark): connects now or fails now, and is disposed when done. Long-lived hosts register the client in their
/// own services instead (<see cref="PlexusClientHostingExtensions.AddPlexusClient(IHostApplicationBuilder, Action{PlexusClientOptions}?)"/>).
/// </summary>
public sealed class PlexusConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private PlexusConnection(IHost host)
    {
        _host = host;
        Actions = host.Services.GetRequiredService<ActionClient>();
    }

    /// <summary>Gets the client for actions.</summary>
    public ActionClient Actions { get; }

    /// <summary>
    /// Connects to the cluster <paramref name="configure"/> describes (by default the embedded silo at
    /// <see cref="GatewayAddress.Default"/>). Throws <see cref="ClusterUnavailableException"/> when it does not answer,
    /// and <see cref="PlexusException"/> for settings that cannot work.
    /// </summary>
    public static async Task<PlexusConnection> ConnectAsync(Action<PlexusClientOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new PlexusClientOptions();
        configure?.Invoke(options);
        options.WaitForCluster = false;

        // An empty builder: no console logging from the Orleans client in a command-line tool.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddPlexusClient(options);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not PlexusException)
        {
            host.Dispose();
            throw new ClusterUnavailableException($"Cannot reach the Plexus cluster {options.Describe()}: {ex.Message}", ex);
        }
        catch
        {
            host.Dispose();
            throw;
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
