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
public sealed class SqsClusterFixture : StreamClusterFixture
{
    public static readonly TimeSpan DefaultVisibilityTimeout = TimeSpan.FromSeconds(2);

    private IAmazonSQS? _sqs;

    public string QueuePrefix { get; } = SqsEmulator.UniquePrefix("cluster");

    public override int Partitions => 4;

    public override TimeSpan VisibilityTimeout => DefaultVisibilityTimeout;

    private void Configure(SqsStreamOptions options)
    {
        options.QueuePrefix = QueuePrefix;
        options.PartitionCount = Partitions;
        options.VisibilityTimeout = VisibilityTimeout;
        options.ReceiveWaitTime = TimeSpan.FromSeconds(1);
    }

    /// <summary>Waits until every partition queue holds no visible and no in-flight message: all delivered and deleted.</summary>
    public override async Task WaitUntilDrainedAsync(TimeSpan timeout)
    {
        var sqs = _sqs ?? throw new InvalidOperationException("The cluster is not deployed.");
        for (var partition = 0; partition < Partitions; partition++)
        {
            var name = SqsQueueNames.Partition(QueuePrefix, StreamDeliveryContractTests.Provider, partition, fifo: false);
            await Poll.UntilAsync(() => SqsEmulator.CountsAsync(sqs, name), counts => counts == (0, 0), timeout,
                $"queue {name} to hold no visible and no in-flight messages (all delivered and deleted)");
        }
    }

    public override async Task InitializeAsync()
    {
        _sqs = SqsEmulator.CreateClient();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _sqs?.Dispose();
    }

    protected override void AddStreams(InProcessTestClusterBuilder builder)
    {
        builder.ConfigureSilo((_, silo) => silo.AddSqsStreams(StreamDeliveryContractTests.Provider, streams =>
        {
            streams.ConfigureSqs(options => options.Configure(Configure));
            streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
        }));
        builder.ConfigureClient(client => client.AddSqsStreams(StreamDeliveryContractTests.Provider, Configure));
    }
}

[CollectionDefinition(Name)]
public sealed class SqsClusterCollection : ICollectionFixture<SqsClusterFixture>
{
    public const string Name = "sqs-cluster";
}
