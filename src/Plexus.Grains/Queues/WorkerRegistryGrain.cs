using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Plexus.Commands;

namespace Plexus.Queues;

/// <summary>
/// The cluster's list of worker pools, kept in memory from their heartbeats.
/// </summary>
/// <remarks>
/// Why a registry grain rather than asking every silo (IManagementGrain with a per-silo system target or grain
/// service): the answer comes from one activation's memory in one call, a dead or stuck silo cannot hold up a
/// listing, and the heartbeat that fills it is itself the "last heartbeat" a listing shows. Losing the activation
/// with its silo loses nothing durable: every pool reports again within one heartbeat interval. The same heartbeats
/// carry the queues the cluster publishes to, which silos serving patterns need to learn.
/// </remarks>
public sealed class WorkerRegistryGrain(IClusterMembershipService membership, IOptions<ExecutionOptions> options, TimeProvider time)
    : Grain, IWorkerRegistryGrain, IWorkerHeartbeatGrain
{
    private readonly Dictionary<string, WorkerStatus> _workers = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _queues = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkerStatus>> GetWorkersAsync()
    {
        RemoveGone();
        return Task.FromResult<IReadOnlyList<WorkerStatus>>(
            [.. _workers.Values.OrderBy(w => w.Host, StringComparer.Ordinal).ThenBy(w => w.Silo, StringComparer.Ordinal)]);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> HeartbeatAsync(WorkerHeartbeat heartbeat)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        _workers[heartbeat.Status.Silo] = heartbeat.Status with { LastHeartbeat = time.GetUtcNow() };
        _queues.UnionWith(heartbeat.Published.Concat(heartbeat.Status.Queues.Select(q => q.Queue).Where(QueueNames.IsExact)));
        return Task.FromResult<IReadOnlyList<string>>([.. _queues]);
    }

    /// <inheritdoc />
    public Task LeaveAsync(string silo)
    {
        _workers.Remove(silo);
        return Task.CompletedTask;
    }

    // A silo that membership declared dead, or that missed three heartbeats, is gone.
    private void RemoveGone()
    {
        var silent = time.GetUtcNow() - 3 * options.Value.WorkerHeartbeatInterval;
        foreach (var (key, worker) in _workers.ToList())
        {
            var dead = SiloAddress.TryParse(key, out var address) && membership.CurrentSnapshot.GetSiloStatus(address) == SiloStatus.Dead;
            if (dead || worker.LastHeartbeat < silent)
            {
                _workers.Remove(key);
            }
        }
    }
}
