using Plexus.Security;

namespace Plexus.Audit;

/// <summary>
/// Takes into the cluster's audit log the requests a front end refuses before any grain call, for want of a key (the
/// dashboard's 401s), beside the grain calls the silos refuse themselves.
/// </summary>
[Alias("plexus.IAuditRecorderGrain")]
public interface IAuditRecorderGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Records that <paramref name="request"/> (e.g. <c>POST /api/actions from 10.0.0.7</c>) was refused for
    /// <paramref name="reason"/>, naming the caller who reports it, and returns the entry written.
    /// </summary>
    [Alias("RecordRefusal"), RequiresRole(Role.Service)]
    Task<AuditRecord> RecordRefusalAsync(string request, string reason);
}
