using Orleans.Concurrency;
using Plexus.Security;

namespace Plexus.Actions;

/// <summary>
/// One action: the single source of truth for its request, status, attempts and result. This is what clients
/// call; the worker protocol that runs its attempts is <see cref="IActionWorkerGrain"/>, on the same grain.
/// </summary>
[Alias("plexus.IActionGrain")]
public interface IActionGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Validates <paramref name="request"/>, persists the action as <see cref="ActionStatus.Queued"/> and
    /// hands it to the workers. Throws <see cref="CommandRejectedException"/> (and stores nothing) when the
    /// command is not acceptable, and <see cref="PlexusException"/> when the id is already taken. A request with
    /// an <see cref="ActionRequest.IdempotencyKey"/> goes to the grain <see cref="IdempotencyKeys.ActionId"/> names;
    /// repeated with the same key and command it returns the existing action unchanged.
    /// </summary>
    [Alias("Submit"), RequiresRole(Role.Operator)]
    Task<ActionSnapshot> SubmitAsync(ActionRequest request);

    /// <summary>Gets the action, or <see langword="null"/> when no action has this id.</summary>
    [Alias("Get"), RequiresRole(Role.Viewer)]
    Task<ActionSnapshot?> GetAsync();

    /// <summary>
    /// Returns as soon as the action is final, or after <paramref name="maxWait"/> with its current state
    /// (a long poll: callers loop). <see langword="null"/> when no action has this id.
    /// </summary>
    [Alias("WaitForFinal"), AlwaysInterleave, RequiresRole(Role.Viewer)]
    Task<ActionSnapshot?> WaitForFinalAsync(TimeSpan maxWait);

    /// <summary>
    /// Cancels the action: a queued one ends <see cref="ActionStatus.Cancelled"/> at once and never starts; a
    /// running one is stopped by its worker and ends <see cref="ActionStatus.Cancelled"/> with its output so far.
    /// A finished action is left as it is and the answer says so. An operator may cancel only the actions it dispatched;
    /// an admin any.
    /// </summary>
    [Alias("Cancel"), RequiresRole(Role.Operator)]
    Task<CancelResult> CancelAsync(string requestedBy);

    /// <summary>
    /// Subscribes <paramref name="observer"/> to live changes and output, and returns the action as it is now
    /// (<see langword="null"/> when there is none) with how long the subscription lasts: it expires unless
    /// renewed within that time by calling this again.
    /// </summary>
    [Alias("Subscribe"), RequiresRole(Role.Viewer)]
    Task<ActionSubscription> SubscribeAsync(IActionObserver observer);

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes (at most <see cref="ArtifactNames.MaxChunkBytes"/>) from
    /// <paramref name="offset"/> of the kept artifact <paramref name="name"/> of <paramref name="attempt"/> (null: the
    /// last attempt that kept one of that name). Throws <see cref="PlexusException"/> naming what is wrong for a name
    /// that is not an artifact of the action or cannot be one.
    /// </summary>
    [Alias("ReadArtifact"), RequiresRole(Role.Viewer)]
    Task<ArtifactChunk> ReadArtifactAsync(string name, int? attempt, long offset, int count);

    /// <summary>Ends the subscription of <paramref name="observer"/>.</summary>
    [Alias("Unsubscribe"), RequiresRole(Role.Viewer)]
    Task UnsubscribeAsync(IActionObserver observer);
}
