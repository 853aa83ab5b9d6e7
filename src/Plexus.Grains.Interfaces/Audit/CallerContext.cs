namespace Plexus.Audit;

/// <summary>
/// The keys under which a call carries who makes it in the Orleans <c>RequestContext</c>. A client sets the first
/// five; the silo's call filter checks them, removes the key, and sets <see cref="IdentityKey"/> and
/// <see cref="RoleKey"/>, which silo code trusts (whatever a client sent under those two is dropped first).
/// </summary>
public static class CallerContext
{
    /// <summary>The key of the name the client gives itself (the user and host, <c>user@host</c>); trusted only without API keys.</summary>
    public const string ActorKey = "plexus.actor";

    /// <summary>The key of where the call comes from (the client's host).</summary>
    public const string OriginKey = "plexus.origin";

    /// <summary>The key of the API key the client presents. Removed by the silo before the call runs: it never travels further.</summary>
    public const string ApiKeyKey = "plexus.api-key";

    /// <summary>The key of the end user a <c>service</c> key calls for.</summary>
    public const string EndUserKey = "plexus.end-user";

    /// <summary>The key of the role of the end user a <c>service</c> key calls for (<c>viewer</c>, <c>operator</c>, <c>admin</c>).</summary>
    public const string EndUserRoleKey = "plexus.end-user-role";

    /// <summary>The key of the caller's identity as the silo established it: the key's name, or the end user a service named.</summary>
    public const string IdentityKey = "plexus.identity";

    /// <summary>The key of the caller's role as the silo established it (its <see cref="Security.Role"/> name).</summary>
    public const string RoleKey = "plexus.role";
}
