using Orleans.Concurrency;

namespace Plexus.Audit;

/// <summary>Answers audit listings from the silo's <see cref="IAuditLog"/>; any silo can, so one runs on each.</summary>
[StatelessWorker]
public sealed class AuditQueryGrain(IAuditLog log) : Grain, IAuditQueryGrain
{
    /// <inheritdoc />
    public Task<AuditPage> ListAsync(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Problem() is { } problem ? throw new PlexusException(problem) : log.QueryAsync(query);
    }
}
