using Orleans.Runtime;
using Plexus.Audit;
using Plexus.Security;

namespace Plexus.Client;

/// <summary>
/// What this client sends with every call so the cluster knows who calls: its API key (when it has one), the end
/// user a <c>service</c> key calls for, and, for the audit trail, the OS user and host it runs as. Set in the call's
/// request context, which Orleans sends along with it.
/// </summary>
/// <param name="ApiKey">The API key; <see langword="null"/> when the cluster needs none.</param>
/// <param name="EndUser">The end user a service key calls for; <see langword="null"/> for the key's own calls.</param>
/// <param name="EndUserRole">The role of <paramref name="EndUser"/>.</param>
internal sealed record CallerIdentity(string? ApiKey, string? EndUser = null, Role? EndUserRole = null)
{
    /// <summary>Puts the caller's credentials, identity and origin into the request context of the calls that follow in this flow.</summary>
    public void Stamp()
    {
        RequestContext.Set(CallerContext.ActorKey, ActionClient.DefaultSubmitter);
        RequestContext.Set(CallerContext.OriginKey, Environment.MachineName);
        Set(CallerContext.ApiKeyKey, ApiKey);
        Set(CallerContext.EndUserKey, EndUser);
        Set(CallerContext.EndUserRoleKey, EndUserRole?.Name());
    }

    /// <inheritdoc />
    public override string ToString() => $"CallerIdentity {{ ApiKey = {(ApiKey is null ? "none" : "(redacted)")}, EndUser = {EndUser}, EndUserRole = {EndUserRole} }}";

    private static void Set(string key, string? value)
    {
        if (value is null)
        {
            RequestContext.Remove(key);
        }
        else
        {
            RequestContext.Set(key, value);
        }
    }
}
