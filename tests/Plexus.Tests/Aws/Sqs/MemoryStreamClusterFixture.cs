using Orleans.Hosting;
using Orleans.TestingHost;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>The same two-silo cluster as <see cref="SqsClusterFixture"/> on Orleans memory streams: the reference the SQS provider must match.</summary>
public sealed class MemoryStreamClusterFixture : IStreamClusterFixture, IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    // Orleans' default for memory streams.
    public int Partitions => 8;

    public TimeSpan VisibilityTimeout => SqsClusterFixture.DefaultVisibilityTimeout;

    // Nothing to wait for, unlike SQS: Orleans' memory queues hand each message out once (the dequeue removes it) and
    // never offer it again, so once the consumers received every event none is left to come twice.
    public Task WaitUntilDrainedAsync(TimeSpan timeout) => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddMemoryStreams(
            StreamDeliveryContractTests.Provider, streams => streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly)));
        builder.ConfigureClient(client => client.AddMemoryStreams(StreamDeliveryContractTests.Provider));
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
public sealed class MemoryStreamClusterCollection : ICollectionFixture<MemoryStreamClusterFixture>
{
    public const string Name = "memory-stream-cluster";
}
