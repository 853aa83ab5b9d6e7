using Orleans.Concurrency;

namespace Plexus.Actions;

/// <summary>One action: the single source of truth for its request, status, attempts and result.</summary>
[Alias("plexus.IActionGrain")]
public interface IActionGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Validates <paramref name="request"/>, persists the action as <see cref="ActionStatus.Queued"/> and
    /// hands it to the workers. Throws <see cref="CommandRejectedException"/> (and stores nothing) when the
    /// command is not acceptable, and <see cref="PlexusException"/> when the id is already taken.
    /// </summary>
    [Alias("Submit")]
    Task<ActionSnapshot> SubmitAsync(ActionRequest request);

    /// <summary>Gets the action, or <see langword="null"/> when no action has this id.</summary>
    [Alias("Get")]
    Task<ActionSnapshot?> GetAsync();

    /// <summary>
    /// Returns as soon as the action is final, or after <paramref name="maxWait"/> with its current state
    /// (a long poll: callers loop). <see langword="null"/> when no action has this id.
    /// </summary>
    [Alias("WaitForFinal"), AlwaysInterleave]
    Task<ActionSnapshot?> WaitForFinalAsync(TimeSpan maxWait);

    /// <summary>
    /// Called by a worker that received the envelope for <paramref name="attempt"/>: moves the action to
    /// <see cref="ActionStatus.Running"/> for that worker and returns it, or returns <see langword="null"/>
    /// when the attempt is not startable (already taken, finished, or superseded), so a duplicate delivery
    /// never runs the command twice.
    /// </summary>
    [Alias("TryStart")]
    Task<ActionSnapshot?> TryStartAsync(int attempt, WorkerInfo worker);

    /// <summary>
    /// Records the result of the running attempt <see cref="CommandResult.Attempt"/>. Returns
    /// <see langword="false"/> when that attempt is no longer the running one (the report is late and ignored).
    /// </summary>
    [Alias("Complete")]
    Task<bool> CompleteAsync(CommandResult result);
}
