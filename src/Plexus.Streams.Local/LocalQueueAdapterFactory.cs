using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace Plexus.Streams.Local;

/// <summary>
/// The adapter of a local queue stream provider: producers enqueue on the partition's <see cref="ILocalQueueGrain"/>,
/// and each partition's receiver waits there for the next batch. Held in memory, like Orleans' memory streams:
/// what is queued when the silo stops is gone, and those who need it must publish again.
/// </summary>
public sealed class LocalQueueAdapterFactory : IQueueAdapterFactory, IQueueAdapter
{
    private readonly IGrainFactory _grains;
    private readonly LocalQueueOptions _options;
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly SimpleQueueAdapterCache _cache;

    /// <summary>Initializes the adapter of the provider <paramref name="name"/>.</summary>
    public LocalQueueAdapterFactory(string name, LocalQueueOptions options, IGrainFactory grains, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCount, 1);
        Name = name;
        _options = options;
        _grains = grains;
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.QueueCount }, name);
        _cache = new SimpleQueueAdapterCache(new SimpleQueueCacheOptions(), name, loggerFactory);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool IsRewindable => false;

    /// <inheritdoc />
    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>Creates the factory of the provider <paramref name="name"/> from the services (the Orleans provider entry point).</summary>
    public static LocalQueueAdapterFactory Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new LocalQueueAdapterFactory(
            name,
            services.GetOptionsByName<LocalQueueOptions>(name),
            services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredService<ILoggerFactory>());
    }

    /// <inheritdoc />
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    /// <inheritdoc />
    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    /// <inheritdoc />
    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    /// <inheritdoc />
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());

    /// <inheritdoc />
    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("Local queue streams do not take sequence tokens from producers; pass null.", nameof(token));
        }

        return Partition(_mapper.GetQueueForStream(streamId)).EnqueueAsync(new LocalQueueBatch(streamId, [.. events.Cast<object>()], requestContext));
    }

    /// <inheritdoc />
    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new Receiver(Partition(queueId), _options.ReceiveWaitTime);

    private ILocalQueueGrain Partition(QueueId queueId) => _grains.GetGrain<ILocalQueueGrain>($"{Name}/{queueId}");

    private sealed class Receiver(ILocalQueueGrain partition, TimeSpan wait) : IQueueAdapterReceiver
    {
        public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

        public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) =>
            [.. await partition.DequeueAsync(maxCount, wait).ConfigureAwait(false)];

        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

        public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
    }
}
