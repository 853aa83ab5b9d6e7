using Plexus.Security;

namespace Plexus.Audit;

/// <summary>Lists the audit log across the cluster: what clients call to answer "who cancelled this?".</summary>
[Alias("plexus.IAuditQueryGrain")]
public interface IAuditQueryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Returns one page of the entries <paramref name="query"/> selects, newest first. Throws
    /// <see cref="PlexusException"/> for an unusable query.
    /// </summary>
    [Alias("List"), RequiresRole(Role.Admin)]
    Task<AuditPage> ListAsync(AuditQuery query);
}
