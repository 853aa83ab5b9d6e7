using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Plexus.Aws.Sqs.Options;
using Plexus.Aws.Sqs.Streams;

namespace Plexus.Aws.Sqs.Hosting;

/// <summary>Configures an SQS stream provider on a silo: options, cache, pulling agent, pub-sub and balancing.</summary>
public sealed class SiloSqsStreamConfigurator : SiloPersistentStreamConfigurator
{
    /// <summary>Initializes a configurator for the provider <paramref name="name"/>.</summary>
    public SiloSqsStreamConfigurator(string name, Action<Action<IServiceCollection>> configureServicesDelegate)
        : base(name, configureServicesDelegate, SqsAdapterFactory.Create)
    {
        // Configure<TOptions> registers each option type for logging, so only the validator is added here.
        ConfigureDelegate(services => services
            .AddTransient<IConfigurationValidator>(sp => new SqsStreamOptionsValidator(sp.GetOptionsByName<SqsStreamOptions>(name), name)));
    }

    /// <summary>Configures the SQS settings.</summary>
    public SiloSqsStreamConfigurator ConfigureSqs(Action<OptionsBuilder<SqsStreamOptions>> configureOptions)
    {
        this.Configure(configureOptions);
        return this;
    }

    /// <summary>
    /// Gives every stream namespace queues of its own (<see cref="SqsStreamOptions.QueuePerNamespace"/>) and lets this
    /// silo read only the namespaces the keyed <see cref="ISqsStreamNamespaces"/> service of the provider lists: every
    /// partition of each, shared with the other silos that read it as competing consumers. Clients that produce on the
    /// provider set <see cref="SqsStreamOptions.QueuePerNamespace"/> too.
    /// </summary>
    public SiloSqsStreamConfigurator UseQueuePerNamespace()
    {
        ConfigureSqs(options => options.Configure(o => o.QueuePerNamespace = true));
        this.ConfigurePartitionBalancing((_, _) => new SqsNamespaceQueueBalancer());
        return this;
    }

    /// <summary>Sets how many batches the silo caches per partition while they are delivered. Default is 4096.</summary>
    public SiloSqsStreamConfigurator ConfigureCache(int cacheSize = SimpleQueueCacheOptions.DEFAULT_CACHE_SIZE)
    {
        this.Configure<SimpleQueueCacheOptions>(ob => ob.Configure(options => options.CacheSize = cacheSize));
        return this;
    }
}

/// <summary>Configures an SQS stream provider on a cluster client, which only produces.</summary>
public sealed class ClusterClientSqsStreamConfigurator : ClusterClientPersistentStreamConfigurator
{
    /// <summary>Initializes a configurator for the provider <paramref name="name"/>.</summary>
    public ClusterClientSqsStreamConfigurator(string name, IClientBuilder builder)
        : base(name, builder, SqsAdapterFactory.Create)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services
            .AddTransient<IConfigurationValidator>(sp => new SqsStreamOptionsValidator(sp.GetOptionsByName<SqsStreamOptions>(name), name));
    }

    /// <summary>Configures the SQS settings.</summary>
    public ClusterClientSqsStreamConfigurator ConfigureSqs(Action<OptionsBuilder<SqsStreamOptions>> configureOptions)
    {
        this.Configure(configureOptions);
        return this;
    }
}
