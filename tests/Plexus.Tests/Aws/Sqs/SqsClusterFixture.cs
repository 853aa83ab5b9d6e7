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
public sealed class SqsClusterFixture : IAsyncLifetime
{
    public const string Provider = "sqs-probe";
    public const string Namespace = "plexus.tests.sqs";
    public const int Partitions = 4;
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(2);

    private InProcessTestCluster? _cluster;

    public string QueuePrefix { get; } = SqsEmulator.UniquePrefix("cluster");

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public IAmazonSQS Sqs { get; private set; } = null!;

    public string QueueName(int partition) => SqsQueueNames.Partition(QueuePrefix, Provider, partition, fifo: false);

    private void Configure(SqsStreamOptions options)
    {
        options.QueuePrefix = QueuePrefix;
        options.PartitionCount = Partitions;
        options.VisibilityTimeout = VisibilityTimeout;
        options.ReceiveWaitTime = TimeSpan.FromSeconds(1);
    }

    public async Task InitializeAsync()
    {
        Sqs = SqsEmulator.CreateClient();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddSqsStreams(Provider, streams =>
        {
            streams.ConfigureSqs(options => options.Configure(Configure));
            streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
        }));
        builder.ConfigureClient(client => client.AddSqsStreams(Provider, Configure));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Sqs?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SqsClusterCollection : ICollectionFixture<SqsClusterFixture>
{
    public const string Name = "sqs-cluster";
}
