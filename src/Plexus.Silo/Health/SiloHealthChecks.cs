using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.Streams;
using Plexus.Actions;
using Plexus.Aws.Sqs.Streams;
using Plexus.Execution;

namespace Plexus.Silo.Health;

/// <summary>
/// The silo's health checks. Liveness asks nothing (the process answers HTTP); readiness asks that the silo is an
/// active member of its cluster, its grain storage and command stream answer, and its worker pool runs and is not
/// draining. Each check says why when it fails.
/// </summary>
public static class SiloHealthChecks
{
    /// <summary>The tag of the checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The names of the readiness checks, in the order they are reported.</summary>
    public const string Cluster = "cluster", Storage = "storage", Streams = "streams", Workers = "workers";

    // A store that does not answer within this is unready, rather than holding the probe until the load balancer gives up.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Registers the readiness checks.</summary>
    public static IServiceCollection AddSiloHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ClusterMembershipCheck>(Cluster, tags: [ReadyTag])
            .AddCheck<GrainStorageCheck>(Storage, tags: [ReadyTag], timeout: ProbeTimeout)
            .AddCheck<CommandStreamCheck>(Streams, tags: [ReadyTag], timeout: ProbeTimeout)
            .AddCheck<WorkerPoolCheck>(Workers, tags: [ReadyTag]);
        return services;
    }
}

/// <summary>Ready when this silo is an active member of its cluster (it joined, and is not shutting down or declared dead).</summary>
internal sealed class ClusterMembershipCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"active member of cluster {silo.ClusterId}")
            : HealthCheckResult.Unhealthy($"not an active member of cluster {silo.ClusterId} (status {status})"));
    }
}

/// <summary>Ready when the actions' grain storage answers a read (of a record that does not exist, so nothing is stored).</summary>
internal sealed class GrainStorageCheck(IServiceProvider services, ILocalSiloDetails silo) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var storage = services.GetRequiredKeyedService<IGrainStorage>(ActionGrain.StorageName);
            var probe = GrainId.Create("plexus-health", silo.SiloAddress.ToParsableString());
            await storage.ReadStateAsync("health", probe, new GrainState<ActionSnapshot>(), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"grain storage '{ActionGrain.StorageName}' answers");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return HealthCheckResult.Unhealthy($"grain storage '{ActionGrain.StorageName}' is unreachable: {Describe(ex)}");
        }
    }

    internal static string Describe(Exception ex) =>
        ex is OperationCanceledException ? "no answer in time" : $"{ex.GetBaseException().GetType().Name}: {ex.GetBaseException().Message}";
}

/// <summary>Ready when the command stream's queues answer (SQS); in-memory streams live in the silo and always do.</summary>
internal sealed class CommandStreamCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (services.GetKeyedService<IStreamProvider>(CommandStreams.ProviderName) is null)
            {
                return HealthCheckResult.Unhealthy($"no command stream provider '{CommandStreams.ProviderName}' is configured");
            }

            if (services.GetKeyedService<IQueueAdapterFactory>(CommandStreams.ProviderName) is SqsAdapterFactory sqs)
            {
                await sqs.CheckReachableAsync(cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy("the command stream's SQS queues answer");
            }

            return HealthCheckResult.Healthy("the command stream is in memory");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return HealthCheckResult.Unhealthy($"the command stream '{CommandStreams.ProviderName}' is unreachable: {GrainStorageCheck.Describe(ex)}");
        }
    }
}

/// <summary>Ready while the worker pool runs and takes new work; a draining or stopped pool is unready.</summary>
internal sealed class WorkerPoolCheck(WorkerPool pool) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(pool.State == WorkerPoolState.Running
            ? HealthCheckResult.Healthy("the worker pool runs")
            : HealthCheckResult.Unhealthy($"the worker pool is {pool.State.ToString().ToLowerInvariant()}"));
}
