using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Plexus.Client;
using Plexus.Execution;
using Plexus.Silo.Hosting;

namespace Plexus.Tests.Cluster;

/// <summary>
/// One in-process Orleans silo configured exactly as the embedded default (SQLite state, memory streams,
/// the worker pool) with a small test catalog and <c>--concurrency 2</c>.
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
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plexus:Concurrency"] = Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Plexus:StopGracePeriod"] = "00:00:02",
            ["Plexus:Commands:echo:Executable"] = "echo",
            ["Plexus:Commands:demo:Executable"] = "plexus-demo",
            ["Plexus:Commands:missing:Executable"] = "/nonexistent/program",
            ["Plexus:Commands:sh:Executable"] = "/bin/sh",
            ["Plexus:Commands:sh:Arguments:0"] = "-c",
            ["Plexus:Commands:sh:WorkingDirectory"] = WorkDir,
        }).Build();

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddLocalServices(configuration, _dataDir));
        // A client that publishes must spread envelopes over the same queues the silo pulls.
        builder.ConfigureClient(client => client.AddMemoryStreams(CommandStreams.ProviderName, streams => streams.ConfigurePartitioning(LocalProfile.QueueCount)));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
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
