using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Configuration.Overrides;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;
using Plexus.Aws.Sqs.Options;

namespace Plexus.Aws.Sqs.Streams;

/// <summary>Creates the SQS queue adapter, the partition mapper and the cache of an SQS stream provider.</summary>
public sealed class SqsAdapterFactory : IQueueAdapterFactory
{
    private readonly string _name;
    private readonly SqsStreamOptions _options;
    private readonly string _prefix;
    private readonly Func<IAmazonSQS> _client;
    private readonly Serializer<SqsBatchContainer> _serializer;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly Lazy<SqsQueueAdapter> _adapter;

    /// <summary>Initializes a factory for the provider <paramref name="name"/>.</summary>
    public SqsAdapterFactory(
        string name,
        SqsStreamOptions options,
        SimpleQueueCacheOptions cacheOptions,
        IOptions<ClusterOptions> clusterOptions,
        Func<IAmazonSQS> client,
        Serializer<SqsBatchContainer> serializer,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        _name = name;
        _options = options;
        _prefix = options.QueuePrefix ?? clusterOptions.Value.ServiceId;
        _client = client;
        _serializer = serializer;
        _time = time;
        _loggerFactory = loggerFactory;
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.PartitionCount }, name);
        _cache = new SimpleQueueAdapterCache(cacheOptions, name, loggerFactory);
        _adapter = new(() => new SqsQueueAdapter(_name, _options, _prefix, _mapper, _client(), _serializer, _time, _loggerFactory));
    }

    /// <summary>Creates the factory of the provider <paramref name="name"/> from the services (the Orleans provider entry point).</summary>
    public static SqsAdapterFactory Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetOptionsByName<SqsStreamOptions>(name);
        return new SqsAdapterFactory(
            name,
            options,
            services.GetOptionsByName<SimpleQueueCacheOptions>(name),
            services.GetProviderClusterOptions(name),
            // A client registered under the provider's name wins (tests, custom retry settings); else one is built.
            () => services.GetKeyedService<IAmazonSQS>(name) ?? SqsClientFactory.Create(options),
            services.GetRequiredService<Serializer<SqsBatchContainer>>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILoggerFactory>());
    }

    /// <summary>
    /// Checks that SQS answers for this provider (readiness): reads an attribute of the first partition's queue, and
    /// throws what the SDK threw when it cannot.
    /// </summary>
    public Task CheckReachableAsync(CancellationToken cancellationToken) =>
        _adapter.Value.Queue(_mapper.GetAllQueues().First()).ProbeAsync(cancellationToken);

    /// <inheritdoc />
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(_adapter.Value);

    /// <inheritdoc />
    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    /// <inheritdoc />
    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    /// <inheritdoc />
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new SqsDeliveryFailureHandler(() => _adapter.IsValueCreated ? _adapter.Value.Receiver(queueId) : null));
}
