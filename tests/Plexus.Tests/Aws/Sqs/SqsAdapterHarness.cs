using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using Plexus.Aws.Sqs.Options;
using Plexus.Aws.Sqs.Streams;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>
/// The SQS adapter as one silo sees it, without a cluster: the factory, its adapter and a receiver per partition,
/// against the emulator. Two harnesses with the same prefix act as two silos sharing the queues.
/// </summary>
public sealed class SqsAdapterHarness : IAsyncDisposable
{
    public const string Provider = "probe";

    private readonly ServiceProvider _services;
    private readonly List<IQueueAdapterReceiver> _receivers = [];

    private SqsAdapterHarness(SqsStreamOptions options, IAmazonSQS client, ServiceProvider services, SqsAdapterFactory factory, IQueueAdapter adapter)
    {
        Options = options;
        Client = client;
        _services = services;
        Factory = factory;
        Adapter = adapter;
    }

    public SqsStreamOptions Options { get; }

    public IAmazonSQS Client { get; }

    public SqsAdapterFactory Factory { get; }

    public IQueueAdapter Adapter { get; }

    public IStreamQueueMapper Mapper => Factory.GetStreamQueueMapper();

    /// <summary>Creates a harness whose queues start with <paramref name="prefix"/>; short timeouts unless <paramref name="configure"/> says otherwise.</summary>
    public static async Task<SqsAdapterHarness> CreateAsync(string prefix, Action<SqsStreamOptions>? configure = null)
    {
        var options = new SqsStreamOptions
        {
            QueuePrefix = prefix,
            PartitionCount = 1,
            VisibilityTimeout = TimeSpan.FromSeconds(2),
            ReceiveWaitTime = TimeSpan.FromSeconds(1),
        };
        configure?.Invoke(options);
        new SqsStreamOptionsValidator(options, Provider).ValidateConfiguration();
        var client = SqsEmulator.CreateClient();
        var services = new ServiceCollection()
            .AddSerializer(serializer => serializer.AddAssembly(typeof(SqsBatchContainer).Assembly).AddAssembly(typeof(SqsAdapterHarness).Assembly))
            .BuildServiceProvider();
        var factory = new SqsAdapterFactory(
            Provider,
            options,
            new SimpleQueueCacheOptions(),
            Microsoft.Extensions.Options.Options.Create(new ClusterOptions { ServiceId = "unused" }),
            () => client,
            services.GetRequiredService<Serializer<SqsBatchContainer>>(),
            TimeProvider.System,
            NullLoggerFactory.Instance);
        return new SqsAdapterHarness(options, client, services, factory, await factory.CreateAdapter());
    }

    /// <summary>Gets the name of the SQS queue of partition <paramref name="partition"/>.</summary>
    public string QueueName(int partition) => SqsQueueNames.Partition(Options.QueuePrefix!, Provider, partition, Options.FifoQueues);

    /// <summary>Gets the name of the dead-letter queue.</summary>
    public string DeadLetterName => SqsQueueNames.DeadLetter(Options.QueuePrefix!, Provider, Options.FifoQueues);

    /// <summary>Creates and initializes a receiver for every partition, which also creates the queues.</summary>
    public async Task<IReadOnlyList<IQueueAdapterReceiver>> StartReceiversAsync()
    {
        var receivers = new List<IQueueAdapterReceiver>();
        foreach (var queueId in Mapper.GetAllQueues())
        {
            var receiver = Adapter.CreateReceiver(queueId);
            await receiver.Initialize(TimeSpan.FromSeconds(10), CancellationToken.None);
            receivers.Add(receiver);
        }

        _receivers.AddRange(receivers);
        return receivers;
    }

    /// <summary>Sends one event on <paramref name="stream"/>.</summary>
    public Task SendAsync<T>(StreamId stream, T item) => Adapter.QueueMessageBatchAsync(stream, [item], null, null);

    public async ValueTask DisposeAsync()
    {
        foreach (var receiver in _receivers)
        {
            await receiver.Shutdown(TimeSpan.FromSeconds(5), CancellationToken.None);
        }

        Client.Dispose();
        await _services.DisposeAsync();
    }
}
