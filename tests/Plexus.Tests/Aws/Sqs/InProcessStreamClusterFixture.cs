using Orleans.TestingHost;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>
/// The same two-silo cluster as <see cref="SqsClusterFixture"/> on a stream provider whose queues live in the silos'
/// memory: a dequeue removes what it hands out and nothing is offered twice, so there is nothing to wait for once the
/// consumers received every event.
/// </summary>
public abstract class InProcessStreamClusterFixture : IStreamClusterFixture, IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public abstract int Partitions { get; }

    public TimeSpan VisibilityTimeout => SqsClusterFixture.DefaultVisibilityTimeout;

    public Task WaitUntilDrainedAsync(TimeSpan timeout) => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        AddStreams(builder);
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

    /// <summary>Adds the provider named <see cref="StreamDeliveryContractTests.Provider"/> to the silos and the client.</summary>
    protected abstract void AddStreams(InProcessTestClusterBuilder builder);
}
