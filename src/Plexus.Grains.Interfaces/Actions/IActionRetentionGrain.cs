using Plexus.Security;

namespace Plexus.Actions;

/// <summary>
/// The retention side of an action, called by the silos' retention sweep only (like <see cref="IActionWorkerGrain"/>,
/// never by clients). Implemented by the same grain as <see cref="IActionGrain"/>.
/// </summary>
[Alias("plexus.IActionRetentionGrain"), SiloOnly]
public interface IActionRetentionGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Removes the action's request, output and result when it is final and its retention has run out, keeping only
    /// that it existed and when it was removed; returns whether it is removed now (also when it already was).
    /// </summary>
    [Alias("Forget")]
    Task<bool> ForgetIfDueAsync();
}
