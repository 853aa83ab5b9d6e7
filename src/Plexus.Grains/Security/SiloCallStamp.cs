using Orleans.Runtime;

namespace Plexus.Security;

/// <summary>
/// Stamps every grain call a silo makes (from grains, system targets and the silo's hosted client) with the
/// <see cref="ClusterSecret"/>, so <see cref="RoleFilter"/> on the receiving silo knows it for silo code. Calls to clients
/// (their observers) are never stamped: the secret must not leave the cluster's silos.
/// </summary>
public sealed class SiloCallStamp(ClusterSecret secret) : IOutgoingGrainCallFilter
{
    /// <inheritdoc />
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return GrainTypePrefix.IsClient(context.TargetId) ? context.Invoke() : StampedAsync(context);
    }

    // The change to the request context ends with this method: the caller's own context stays without the secret.
    private async Task StampedAsync(IOutgoingGrainCallContext context)
    {
        secret.Stamp();
        await context.Invoke();
    }
}
