using System.Security.Claims;
using Plexus.Client;
using Plexus.Security;

namespace Plexus.Dashboard.Auth;

/// <summary>Who makes an HTTP request, as the dashboard authenticated them.</summary>
/// <param name="Name">The key's name; empty for the local admin (no keys configured, a loopback caller).</param>
/// <param name="Role">What they may do.</param>
public sealed record DashboardCaller(string Name, Role Role)
{
    internal const string RoleClaim = "plexus:role";

    /// <summary>Gets whether this is the local admin of a dashboard without keys.</summary>
    public bool IsLocalAdmin => Name.Length == 0;

    /// <summary>Gets the name actions and audit records give this caller.</summary>
    public string DisplayName => IsLocalAdmin ? ActionClient.DefaultSubmitter : Name;

    /// <summary>
    /// Returns the client that calls the cluster for this caller: a service acting for them, so the cluster checks
    /// their role and names them as the submitter and in the audit log. A <c>service</c> key calling the dashboard
    /// acts with an operator's rights, what a service key has on its own.
    /// </summary>
    public ActionClient Client(ActionClient dashboard)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        return IsLocalAdmin ? dashboard : dashboard.ForEndUser(Name, Role == Role.Service ? Role.Operator : Role);
    }

    /// <summary>Returns the caller <paramref name="user"/> is, as <see cref="DashboardAuthentication"/> made it.</summary>
    public static DashboardCaller From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Roles.TryParse(user.FindFirstValue(RoleClaim), out var role)
            ? new DashboardCaller(user.Identity?.Name ?? "", role)
            : throw new InvalidOperationException("The request was not authenticated by the dashboard.");
    }

    internal ClaimsPrincipal ToPrincipal(string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, Name), new Claim(RoleClaim, Role.Name())], scheme));
}
