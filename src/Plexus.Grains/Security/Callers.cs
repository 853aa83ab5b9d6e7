using Orleans.Runtime;
using Plexus.Audit;

namespace Plexus.Security;

/// <summary>Reads who makes the current call, as <see cref="RoleFilter"/> established it.</summary>
public static class Callers
{
    /// <summary>
    /// Returns the caller of the current call, or <see langword="null"/> for silo code acting on its own. Its name is
    /// empty for the local admin (no keys configured), who names itself in the request.
    /// </summary>
    public static Caller? Current() =>
        Roles.TryParse(RequestContext.Get(CallerContext.RoleKey) as string, out var role)
            ? new Caller(RequestContext.Get(CallerContext.IdentityKey) as string ?? "", role)
            : null;

    /// <summary>Returns the authenticated name of <paramref name="caller"/>, else <paramref name="claimed"/> (the name the request gives).</summary>
    public static string NameOr(this Caller? caller, string claimed) => caller?.Name is { Length: > 0 } name ? name : claimed;
}
