using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Plexus.Aws.Client;

namespace Plexus.Client.Hosting;

/// <summary>Registers the Plexus client (an Orleans client and <see cref="ActionClient"/>) in a host's services.</summary>
public static class PlexusClientHostingExtensions
{
    /// <summary>
    /// Adds the Plexus client configured from the host's <c>Plexus</c> configuration section (see
    /// <see cref="PlexusClientOptions"/>), then by <paramref name="configure"/>. The client connects when the host
    /// starts; inject <see cref="ActionClient"/>.
    /// </summary>
    public static IHostApplicationBuilder AddPlexusClient(this IHostApplicationBuilder builder, Action<PlexusClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(PlexusClientOptions.SectionName);
        builder.Services.AddPlexusClient(options =>
        {
            section.Bind(options);
            configure?.Invoke(options);
        });
        return builder;
    }

    /// <summary>
    /// Adds the Plexus client configured by <paramref name="configure"/>, which runs once, now: the profile decides
    /// which Orleans services are registered. Throws <see cref="PlexusException"/> naming every unusable setting.
    /// </summary>
    public static IServiceCollection AddPlexusClient(this IServiceCollection services, Action<PlexusClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PlexusClientOptions();
        configure(options);
        return services.AddPlexusClient(options);
    }

    internal static IServiceCollection AddPlexusClient(this IServiceCollection services, PlexusClientOptions options)
    {
        options.Validate();
        services.AddSingleton(options);
        services.AddOrleansClient(client =>
        {
            if (options.IsAws)
            {
                client.UseDynamoDbClustering(options.Aws);
            }
            else
            {
                // Resolved when the client starts, not now: a host name may only resolve once the host runs.
                client.UseStaticClustering(gateways => gateways.Gateways = [GatewayAddress.Resolve(options.Gateway).ToGatewayUri()]);
            }

            client.Configure<ClusterOptions>(cluster => (cluster.ClusterId, cluster.ServiceId) = (options.ClusterId, options.ServiceId));
            client.UseConnectionRetryFilter(options.WaitForCluster ? RetryUntilCancelledAsync : (_, _) => Task.FromResult(false));
            options.ConfigureOrleans?.Invoke(client);
        });
        services.AddSingleton(provider => new ActionClient(provider.GetRequiredService<IGrainFactory>(), options));
        return services;
    }

    // Orleans' default gives up on the first connection after about three minutes; a host that starts before its
    // cluster (a deployment rolling both) keeps trying until it is stopped.
    private static async Task<bool> RetryUntilCancelledAsync(Exception exception, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
