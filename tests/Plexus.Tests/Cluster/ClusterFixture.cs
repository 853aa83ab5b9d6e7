using Orleans.TestingHost;
using Plexus.Client;

namespace Plexus.Tests.Cluster;

/// <summary>
/// One in-process Orleans silo configured exactly as the embedded default (see <see cref="TestClusters"/>)
/// with <c>--concurrency 2</c>, shared by the tests of a collection.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>The silo's concurrency in these tests.</summary>
    public const int Concurrency = 2;

    private readonly TempCluster _silos = new("plexus-cluster-");

    public InProcessTestCluster Cluster => _silos.Cluster;

    public ActionClient Actions => _silos.Actions;

    /// <summary>Gets a scratch folder for files the test commands write.</summary>
    public string WorkDir => _silos.WorkDir;

    public Task InitializeAsync() => _silos.DeployAsync(1, Concurrency);

    public Task DisposeAsync() => _silos.DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
