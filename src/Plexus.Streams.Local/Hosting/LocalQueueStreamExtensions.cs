using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Plexus.Streams.Local;

namespace Orleans.Hosting;

/// <summary>Adds local queue stream providers (see <see cref="LocalQueueAdapterFactory"/>) to silos and clients.</summary>
public static class LocalQueueStreamExtensions
{
    /// <summary>Adds the local queue stream provider <paramref name="name"/> to a silo.</summary>
    public static ISiloBuilder AddLocalQueueStreams(
        this ISiloBuilder builder, string name, Action<LocalQueueOptions>? configureOptions = null, Action<ISiloPersistentStreamConfigurator>? configureStream = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LocalQueueOptions>(name).Configure(options => configureOptions?.Invoke(options));
        return builder.AddPersistentStreams(name, LocalQueueAdapterFactory.Create, stream => configureStream?.Invoke(stream));
    }

    /// <summary>Adds the local queue stream provider <paramref name="name"/> to a client, which may then publish on it.</summary>
    public static IClientBuilder AddLocalQueueStreams(this IClientBuilder builder, string name, Action<LocalQueueOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LocalQueueOptions>(name).Configure(options => configureOptions?.Invoke(options));
        return builder.AddPersistentStreams(name, LocalQueueAdapterFactory.Create, _ => { });
    }
}
