using Orleans.Runtime;
using Plexus.Audit;

namespace Plexus.Client;

/// <summary>
/// Names this client in every call it makes, for the cluster's audit trail: who (today the OS user and host) and
/// from where (the host). Set in the call's request context, which Orleans sends along with it.
/// </summary>
internal static class CallerIdentity
{
    /// <summary>Puts the caller's identity and origin into the request context of the calls that follow in this flow.</summary>
    public static void Stamp()
    {
        RequestContext.Set(CallerContext.ActorKey, ActionClient.DefaultSubmitter);
        RequestContext.Set(CallerContext.OriginKey, Environment.MachineName);
    }
}
