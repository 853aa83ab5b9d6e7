namespace Plexus.Audit;

/// <summary>
/// The audit log of a silo whose profile keeps none: entries are still kept with each action and written as log
/// events; listing the log says it is not available.
/// </summary>
public sealed class NoAuditLog : IAuditLog
{
    /// <inheritdoc />
    public Task AppendAsync(AuditRecord entry, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default) =>
        throw new PlexusException("The audit log is not available on this cluster: its profile keeps none (the embedded default and the Aws profile do).");
}
