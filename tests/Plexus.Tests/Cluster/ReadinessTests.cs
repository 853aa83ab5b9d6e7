using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Storage;
using Plexus.Actions;
using Plexus.Execution;
using Plexus.Silo.Health;

namespace Plexus.Tests.Cluster;

/// <summary>The readiness checks of a silo of the embedded default: what makes it unready, with the reason, and back.</summary>
[Trait(Category.Name, Category.Cluster)]
public sealed class ReadinessTests : IAsyncLifetime
{
    private readonly TempCluster _silos = new("plexus-readiness-");

    private IServiceProvider Silo => _silos.Cluster.Silos[0].ServiceProvider;

    public Task InitializeAsync() => _silos.DeployAsync(1, concurrency: 1, configureSilo: silo =>
    {
        FaultInjectingGrainStorage.Register(silo, _silos.DataDir);
        silo.Services.AddSiloHealthChecks();
    });

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    [Fact]
    public async Task Ready_StorageUnreachableThenBack_UnreadyNamingTheStorageThenReady()
    {
        await UntilReadyAsync(HealthStatus.Healthy, "the started silo to be ready");
        var storage = (FaultInjectingGrainStorage)Silo.GetRequiredKeyedService<IGrainStorage>(ActionGrain.StorageName);

        storage.Unreachable = true;
        var down = await ReadyAsync();
        storage.Unreachable = false;
        var back = await ReadyAsync();

        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Equal(HealthStatus.Unhealthy, down.Entries[SiloHealthChecks.Storage].Status);
        Assert.Contains("grain storage 'actions' is unreachable", down.Entries[SiloHealthChecks.Storage].Description, StringComparison.Ordinal);
        Assert.Contains("Injected storage fault", down.Entries[SiloHealthChecks.Storage].Description, StringComparison.Ordinal);
        Assert.All(
            down.Entries.Where(e => e.Key != SiloHealthChecks.Storage),
            e => Assert.Equal(HealthStatus.Healthy, e.Value.Status));
        Assert.Equal(HealthStatus.Healthy, back.Status);
    }

    [Fact]
    public async Task Ready_WorkerPoolDraining_UnreadyNamingTheWorkers()
    {
        await UntilReadyAsync(HealthStatus.Healthy, "the started silo to be ready");

        Silo.GetRequiredService<WorkerPool>().MarkDraining();
        var draining = await ReadyAsync();

        Assert.Equal(HealthStatus.Unhealthy, draining.Status);
        Assert.Equal("the worker pool is draining", draining.Entries[SiloHealthChecks.Workers].Description);
        Assert.Equal(WorkerPoolState.Draining, Silo.GetRequiredService<WorkerPool>().State);
    }

    private Task<HealthReport> ReadyAsync() =>
        Silo.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains(SiloHealthChecks.ReadyTag));

    private Task<HealthReport> UntilReadyAsync(HealthStatus status, string awaited) =>
        Poll.UntilAsync(ReadyAsync, report => report.Status == status, Poll.DefaultTimeout, awaited,
            report => string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description}")));
}
