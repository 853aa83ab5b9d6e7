using Amazon.SQS;
using Orleans.Hosting;
using Orleans.TestingHost;
using Plexus.Aws.Sqs.Hosting;
using Plexus.Aws.Sqs.Options;
using Plexus.Aws.Sqs.Streams;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>
/// Two in-process silos and a client sharing one SQS stream provider on the emulator, with a short visibility
/// timeout so that holding a message past it is quick to test.
/// </summary>
public sealed class SqsClusterFixture : IStreamClusterFixture, IAsyncLifetime
{
    public static readonly TimeSpan DefaultVisibilityTimeout = TimeSpan.FromSeconds(2);

    private InProcessTestCluster? _cluster;
    private IAmazonSQS? _sqs;

    public string QueuePrefix { get; } = SqsEmulator.UniquePrefix("cluster");

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public int Partitions => 4;

    public TimeSpan VisibilityTimeout => DefaultVisibilityTimeout;

    private void Configure(SqsStreamOptions options)
    {
        options.QueuePrefix = QueuePrefix;
        options.PartitionCount = Partitions;
        options.VisibilityTimeout = VisibilityTimeout;
        options.ReceiveWaitTime = TimeSpan.FromSeconds(1);
    }

    /// <summary>Waits until every partition queue holds no visible and no in-flight message: all delivered and deleted.</summary>
    public async Task WaitUntilDrainedAsync(TimeSpan timeout)
    {
        var sqs = _sqs ?? throw new InvalidOperationException("The cluster is not deployed.");
        for (var partition = 0; partition < Partitions; partition++)
        {
            var name = SqsQueueNames.Partition(QueuePrefix, StreamDeliveryContractTests.Provider, partition, fifo: false);
            await Poll.UntilAsync(() => SqsEmulator.CountsAsync(sqs, name), counts => counts == (0, 0), timeout,
                $"queue {name} to hold no visible and no in-flight messages (all delivered and deleted)");
        }
    }

    public async Task InitializeAsync()
    {
        _sqs = SqsEmulator.CreateClient();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddSqsStreams(StreamDeliveryContractTests.Provider, streams =>
        {
            streams.ConfigureSqs(options => options.Configure(Configure));
            streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
        }));
        builder.ConfigureClient(client => client.AddSqsStreams(StreamDeliveryContractTests.Provider, Configure));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        await StreamAgents.WaitUntilBalancedAsync(_cluster, Partitions);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _sqs?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SqsClusterCollection : ICollectionFixture<SqsClusterFixture>
{
    public const string Name = "sqs-cluster";
}
