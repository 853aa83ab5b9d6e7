using Orleans.Hosting;
using Orleans.TestingHost;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>The stream cluster on Orleans memory streams: the reference the SQS provider must match.</summary>
public sealed class MemoryStreamClusterFixture : InProcessStreamClusterFixture
{
    // Orleans' default for memory streams.
    public override int Partitions => 8;

    protected override void AddStreams(InProcessTestClusterBuilder builder)
    {
        builder.ConfigureSilo((_, silo) => silo.AddMemoryStreams(
            StreamDeliveryContractTests.Provider, streams => streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly)));
        builder.ConfigureClient(client => client.AddMemoryStreams(StreamDeliveryContractTests.Provider));
    }
}

[CollectionDefinition(Name)]
public sealed class MemoryStreamClusterCollection : ICollectionFixture<MemoryStreamClusterFixture>
{
    public const string Name = "memory-stream-cluster";
}
