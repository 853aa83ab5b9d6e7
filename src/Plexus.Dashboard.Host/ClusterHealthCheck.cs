using Microsoft.Extensions.Diagnostics.HealthChecks;
using Plexus.Client;

namespace Plexus.Dashboard.Host;

/// <summary>Ready when the cluster answers the dashboard: it lists the live silos' worker pools.</summary>
internal sealed class ClusterHealthCheck(ActionClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var workers = await client.GetWorkersAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"the cluster answers; {workers.Count} silo(s) serve work");
        }
        catch (Exception ex) when (ex is PlexusException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"the cluster does not answer: {ex.Message}");
        }
    }
}
