namespace Plexus.Audit;

/// <summary>
/// The append-only store of audit entries, written by the action grains. Silo code only; clients list through
/// <see cref="IAuditQueryGrain"/>. Every backend passes the same contract tests.
/// </summary>
public interface IAuditLog
{
    /// <summary>Adds <paramref name="entry"/>; adding an entry with the same id again changes nothing.</summary>
    Task AppendAsync(AuditRecord entry, CancellationToken cancellationToken = default);

    /// <summary>Returns one page of the entries matching <paramref name="query"/> (already checked for problems), newest first.</summary>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
