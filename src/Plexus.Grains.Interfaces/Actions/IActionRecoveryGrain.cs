using Plexus.Security;

namespace Plexus.Actions;

/// <summary>
/// The recovery side of an action, called by the silos' recovery sweep only (like <see cref="IActionWorkerGrain"/>,
/// never by clients). Implemented by the same grain as <see cref="IActionGrain"/>.
/// </summary>
[Alias("plexus.IActionRecoveryGrain"), SiloOnly]
public interface IActionRecoveryGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Checks on an unfinished action as a crashed or restarted silo left it: a lapsed lease ends the attempt as lost,
    /// a finished backoff queues the next one, a passed queue deadline expires it, a queued envelope that may have been
    /// lost is published again, and an index entry left behind is caught up.
    /// </summary>
    [Alias("Recover")]
    Task RecoverAsync();
}
