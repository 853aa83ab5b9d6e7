using Plexus.Security;

namespace Plexus.Queries;

/// <summary>Lists actions across the cluster: what clients call to answer "what is running now?".</summary>
[Alias("plexus.IActionQueryGrain")]
public interface IActionQueryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Returns one page of the actions <paramref name="query"/> selects, newest first, with the counts per status of
    /// all that match. Throws <see cref="PlexusException"/> for an unusable query.
    /// </summary>
    [Alias("List"), RequiresRole(Role.Viewer)]
    Task<ActionPage> ListAsync(ActionQuery query);
}
