using Orleans.TestingHost;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>
/// Two in-process silos and a client sharing one stream provider, named <see cref="StreamDeliveryContractTests.Provider"/>,
/// deployed with every partition's pulling agent started: what the stream delivery contract runs on.
/// </summary>
public abstract class StreamClusterFixture : IStreamClusterFixture, IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public abstract int Partitions { get; }

    public abstract TimeSpan VisibilityTimeout { get; }

    public abstract Task WaitUntilDrainedAsync(TimeSpan timeout);

    public virtual async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        AddStreams(builder);
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        await StreamAgents.WaitUntilBalancedAsync(_cluster, Partitions);
    }

    public virtual async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Adds the provider to the silos and the client.</summary>
    protected abstract void AddStreams(InProcessTestClusterBuilder builder);
}
