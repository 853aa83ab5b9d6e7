using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Plexus.Client;

namespace Plexus.Tests.Cluster;

/// <summary>
/// In-process silos of the embedded default (see <see cref="TestClusters"/>) in a temporary folder of their own:
/// their state, and a work folder for the files test commands write. Deployed when asked; disposing stops the
/// silos and deletes the folder.
/// </summary>
public sealed class TempCluster(string folderPrefix) : IAsyncDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory(folderPrefix).FullName;
    private InProcessTestCluster? _cluster;

    /// <summary>Gets a scratch folder for files the test commands write.</summary>
    public string WorkDir => Directory.CreateDirectory(Path.Combine(_dataDir, "work")).FullName;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public ActionClient Actions => new(Cluster.Client);

    /// <summary>
    /// Gets the grain factory of the first silo: what silo code (a worker, the retention sweep) calls through. The
    /// worker and retention contracts are refused to <see cref="InProcessTestCluster.Client"/>, like to every client.
    /// </summary>
    public IGrainFactory SiloGrains => Cluster.Silos[0].SiloHost.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Gets the folder the silos keep their state in.</summary>
    public string DataDir => _dataDir;

    /// <summary>Deploys <paramref name="silos"/> silos with <paramref name="settings"/> over the embedded defaults.</summary>
    public async Task DeployAsync(
        int silos, int concurrency, IReadOnlyDictionary<string, string?>? settings = null, Action<ISiloBuilder>? configureSilo = null) =>
        _cluster = await TestClusters.DeployAsync(silos, _dataDir, TestClusters.Configuration(WorkDir, concurrency, settings), configureSilo);

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Directory.Delete(_dataDir, recursive: true);
    }
}
