using Plexus.Security;

namespace Plexus.Queues;

/// <summary>The cluster's list of worker pools: what clients call to answer "which silos run what?".</summary>
[Alias("plexus.IWorkerRegistryGrain")]
public interface IWorkerRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Returns every live silo's worker pool, ordered by host and silo.</summary>
    [Alias("GetWorkers"), RequiresRole(Role.Viewer)]
    Task<IReadOnlyList<WorkerStatus>> GetWorkersAsync();
}

/// <summary>The silo side of the registry: worker pools report to it. Silo code only.</summary>
[Alias("plexus.IWorkerHeartbeatGrain"), SiloOnly]
public interface IWorkerHeartbeatGrain : IGrainWithIntegerKey
{
    /// <summary>Records <paramref name="heartbeat"/> and returns every queue the cluster has published commands to.</summary>
    [Alias("Heartbeat")]
    Task<IReadOnlyList<string>> HeartbeatAsync(WorkerHeartbeat heartbeat);

    /// <summary>Removes <paramref name="silo"/> at once: it has left the cluster.</summary>
    [Alias("Leave")]
    Task LeaveAsync(string silo);
}
