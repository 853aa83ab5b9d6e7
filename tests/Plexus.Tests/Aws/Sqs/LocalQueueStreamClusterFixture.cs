using Orleans.Hosting;
using Orleans.TestingHost;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>The same two-silo cluster as <see cref="SqsClusterFixture"/> on the embedded default's local queue streams.</summary>
public sealed class LocalQueueStreamClusterFixture : IStreamClusterFixture, IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public int Partitions => 4;

    public TimeSpan VisibilityTimeout => SqsClusterFixture.DefaultVisibilityTimeout;

    // A dequeue removes what it hands out, so nothing is offered twice once the consumers received every event.
    public Task WaitUntilDrainedAsync(TimeSpan timeout) => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddLocalQueueStreams(
            StreamDeliveryContractTests.Provider,
            options => options.QueueCount = Partitions,
            streams => streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly)));
        builder.ConfigureClient(client => client.AddLocalQueueStreams(StreamDeliveryContractTests.Provider, options => options.QueueCount = Partitions));
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
    }
}

[CollectionDefinition(Name)]
public sealed class LocalQueueStreamClusterCollection : ICollectionFixture<LocalQueueStreamClusterFixture>
{
    public const string Name = "local-queue-stream-cluster";
}
