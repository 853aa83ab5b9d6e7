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

    private readonly string _dataDir = Directory.CreateTempSubdirectory("plexus-cluster-").FullName;
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public ActionClient Actions => new(Cluster.Client);

    /// <summary>Gets a scratch folder for files the test commands write.</summary>
    public string WorkDir => Path.Combine(_dataDir, "work");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDir);
        _cluster = await TestClusters.DeployAsync(1, _dataDir, TestClusters.Configuration(WorkDir, Concurrency));
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Directory.Delete(_dataDir, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
