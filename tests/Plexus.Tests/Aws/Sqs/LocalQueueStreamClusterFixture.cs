using Orleans.Hosting;
using Orleans.TestingHost;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>The stream cluster on the embedded default's local queue streams.</summary>
public sealed class LocalQueueStreamClusterFixture : InProcessStreamClusterFixture
{
    public override int Partitions => 4;

    protected override void AddStreams(InProcessTestClusterBuilder builder)
    {
        builder.ConfigureSilo((_, silo) => silo.AddLocalQueueStreams(
            StreamDeliveryContractTests.Provider,
            options => options.QueueCount = Partitions,
            streams => streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly)));
        builder.ConfigureClient(client => client.AddLocalQueueStreams(StreamDeliveryContractTests.Provider, options => options.QueueCount = Partitions));
    }
}

[CollectionDefinition(Name)]
public sealed class LocalQueueStreamClusterCollection : ICollectionFixture<LocalQueueStreamClusterFixture>
{
    public const string Name = "local-queue-stream-cluster";
}
