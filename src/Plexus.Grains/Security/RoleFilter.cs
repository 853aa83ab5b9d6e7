using System.Reflection;
using Orleans.Runtime;
using Plexus.Actions;
using Plexus.Audit;

namespace Plexus.Security;

/// <summary>
/// Checks every incoming call of a client against the role its contract method declares
/// (<see cref="RequiresRoleAttribute"/>), and refuses contracts marked <see cref="SiloOnlyAttribute"/> to every client.
/// The caller is the API key in the call's request context (or, for a <c>service</c> key, the end user it names);
/// without configured keys every client is the local admin. A refused call changes nothing, is audited, and fails
/// with an <see cref="AccessDeniedException"/> that names what is missing. The key itself is removed from the request
/// context before the call runs, so it never reaches grain code, logs or further calls.
/// </summary>
/// <remarks>
/// Calls to the observers of a silo's hosted client pass: they come from the cluster's grains, not from a client.
/// Silo code passes: calls from grains and system targets, and from the client each silo hosts for its own services
/// (the worker pool, the retention sweep). They carry the <see cref="ClusterSecret"/> that <see cref="SiloCallStamp"/>
/// adds on every silo; the source id a call names proves nothing, since a hand-built client can name any. Such a call
/// from a silo's hosted client that names an end user (the dashboard a silo serves) is checked for that user.
/// </remarks>
public sealed class RoleFilter(ApiKeys keys, AuditTrail audit, ClusterSecret secret) : IIncomingGrainCallFilter
{
    // The name refusals give code in a silo's process that calls for an end user.
    private const string InSiloService = "silo";

    /// <inheritdoc />
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Orleans' own protocols (manifests, directories, gateways) run on system targets that every client needs.
        // The secret is checked (and removed, so grain code never holds it) before anything else.
        var stamp = secret.TakeAndCheck();
        if (stamp == SecretCheck.Wrong)
        {
            await RefuseAsync(context, null, "the call carries a cluster secret that is not this cluster's (a silo with another Plexus:Auth:ClusterSecret, or a forgery).");
        }

        // A call to an object of this silo's hosted client (the dashboard's live feed, a worker's attempt control) is the
        // cluster telling that code something, not a client calling the cluster; such calls are never stamped, since the
        // secret must not reach clients. Its target is an observer reference only the grain it subscribed to holds.
        // Another client has no business there.
        if (GrainTypePrefix.IsClient(context.TargetId))
        {
            if (context.SourceId is { IsDefault: false } sender && GrainTypePrefix.IsClient(sender))
            {
                await RefuseAsync(context, null, "a client may not call another client's observers.");
            }

            await context.Invoke();
            return;
        }

        // Code in a silo's process outside grains (its hosted client: the dashboard the silo serves) that calls for an
        // end user is held to that user's role like a service key is; the rest of the silo's code is trusted. The
        // source id can be believed here: the secret proved the call comes from a silo.
        var forEndUser = stamp == SecretCheck.Valid && context.SourceId is { IsDefault: false } source && GrainTypePrefix.IsClient(source)
            && RequestContext.Get(CallerContext.EndUserKey) is not null;
        if ((stamp == SecretCheck.Valid && !forEndUser) || SystemTargetGrainId.IsSystemTargetGrainId(context.TargetId))
        {
            await context.Invoke();
            return;
        }

        // Only the silo says who a client is: whatever the client sent under these keys is dropped.
        var presented = RequestContext.Get(CallerContext.ApiKeyKey) as string;
        RequestContext.Remove(CallerContext.ApiKeyKey);
        RequestContext.Remove(CallerContext.IdentityKey);
        RequestContext.Remove(CallerContext.RoleKey);

        var (caller, refusal) = Check(context.InterfaceMethod, presented, forEndUser);
        if (refusal is not null)
        {
            await RefuseAsync(context, caller, refusal);
        }

        if (caller!.Name.Length > 0)
        {
            RequestContext.Set(CallerContext.IdentityKey, caller.Name);
        }

        RequestContext.Set(CallerContext.RoleKey, caller.Role.Name());
        await context.Invoke();
    }

    // Returns the caller and, when the call is refused, why. An empty name is the local admin, who names itself.
    private (Caller? Caller, string? Refusal) Check(MethodInfo? method, string? presented, bool inSilo)
    {
        var contract = method?.DeclaringType;
        var what = contract is null ? "this call" : $"{contract.Name}.{method!.Name}";
        if (contract?.GetCustomAttribute<SiloOnlyAttribute>() is not null)
        {
            return (null, $"{what} is for the cluster's own silos only; no client may call it.");
        }

        // Methods without a declared role (Orleans' own grains, management) are for admins.
        var required = method?.GetCustomAttribute<RequiresRoleAttribute>()?.Role ?? Role.Admin;
        if (!keys.Required)
        {
            return (new Caller("", Role.Admin), null);
        }

        if (inSilo)
        {
            return ForEndUser(new Caller(InSiloService, Role.Service), required, what);
        }

        if (presented is not { Length: > 0 })
        {
            return (null, $"{what} needs an API key with the {required.Name()} role, and none was sent: pass --api-key-file <file> or set PLEXUS_API_KEY (client library: PlexusClientOptions.ApiKey).");
        }

        if (keys.Authenticate(presented) is not { } key)
        {
            return (null, $"{what} needs an API key with the {required.Name()} role, and the key sent is not one this cluster knows.");
        }

        return ForEndUser(key, required, what);
    }

    // The caller a call of an authenticated key is: the key's, or the end user a service key names.
    private static (Caller? Caller, string? Refusal) ForEndUser(Caller key, Role required, string what)
    {
        var caller = key;
        var endUser = RequestContext.Get(CallerContext.EndUserKey) as string;
        var endUserRole = RequestContext.Get(CallerContext.EndUserRoleKey) as string;
        if (endUser is not null || endUserRole is not null)
        {
            if (key.Role != Role.Service)
            {
                return (key, $"only service keys may call for an end user; '{key.Name}' is a {key.Role.Name()} key.");
            }

            if (endUser is not { Length: > 0 and <= 200 } || endUser.Any(char.IsControl))
            {
                return (key, "the end user a service calls for needs a name of 1 to 200 characters without control characters.");
            }

            if (!Roles.TryParse(endUserRole, out var role) || role == Role.Service)
            {
                return (key, $"the end user '{endUser}' needs a role of viewer, operator or admin; '{endUserRole}' is none.");
            }

            caller = new Caller(endUser, role);
        }

        return caller.Role.Covers(required)
            ? (caller, null)
            : (caller, $"{what} needs the {required.Name()} role; '{caller.Name}' has {caller.Role.Name()}.");
    }

    private async Task RefuseAsync(IIncomingGrainCallContext context, Caller? caller, string refusal)
    {
        var operation = context.InterfaceMethod?.Name switch
        {
            nameof(IActionGrain.SubmitAsync) => AuditOperation.Dispatch,
            nameof(IActionGrain.CancelAsync) => AuditOperation.Cancel,
            _ => AuditOperation.Call,
        };
        var actionId = context.TargetId.TryGetGuidKey(out var id, out _) ? id : Guid.Empty;
        var actor = caller?.Name is { Length: > 0 } name ? name : RequestContext.Get(CallerContext.ActorKey) as string ?? AuditRecord.AnonymousActor;
        await audit.WriteAsync(audit.Refusal(actionId, operation, "access denied: " + refusal, actor));
        throw new AccessDeniedException("Access denied: " + refusal);
    }
}
