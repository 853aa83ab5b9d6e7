namespace Plexus.Audit;

/// <summary>
/// The keys under which a client names itself in the Orleans <c>RequestContext</c> of every call, for the audit
/// trail: who is calling and from where.
/// </summary>
public static class CallerContext
{
    /// <summary>The key of the caller's identity (today the user and host, <c>user@host</c>).</summary>
    public const string ActorKey = "plexus.actor";

    /// <summary>The key of where the call comes from (the client's host).</summary>
    public const string OriginKey = "plexus.origin";
}
