using Orleans.Concurrency;

namespace Plexus.Actions;

/// <summary>One action: the single source of truth for its request, status, attempts and result.</summary>
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
    Task<ActionSnapshot?> TryStartAsync(int attempt, WorkerInfo worker, IAttemptControl control);

    /// <summary>
    /// Called by the worker while its attempt runs, with the output and progress since its last report.
    /// Returns <see langword="false"/> when the worker must stop the command (the attempt is no longer the
    /// running one, or a cancel was requested and its push may have been lost).
    /// </summary>
    [Alias("Report")]
    Task<bool> ReportAsync(AttemptReport report);

    /// <summary>
    /// Cancels the action: a queued one ends <see cref="ActionStatus.Cancelled"/> at once and never starts; a
    /// running one is stopped by its worker and ends <see cref="ActionStatus.Cancelled"/> with its output so far.
    /// A finished action is left as it is and the answer says so.
    /// </summary>
    [Alias("Cancel")]
    Task<CancelResult> CancelAsync(string requestedBy);

    /// <summary>
    /// Subscribes <paramref name="observer"/> to live changes and output, and returns the action as it is now
    /// (<see langword="null"/> when there is none) with how long the subscription lasts: it expires unless
    /// renewed within that time by calling this again.
    /// </summary>
    [Alias("Subscribe")]
    Task<ActionSubscription> SubscribeAsync(IActionObserver observer);

    /// <summary>Ends the subscription of <paramref name="observer"/>.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IActionObserver observer);

    /// <summary>
    /// Records the result of the running attempt <see cref="CommandResult.Attempt"/>. Returns
    /// <see langword="false"/> when that attempt is no longer the running one (the report is late and ignored).
    /// </summary>
    [Alias("Complete")]
    Task<bool> CompleteAsync(CommandResult result);
}
