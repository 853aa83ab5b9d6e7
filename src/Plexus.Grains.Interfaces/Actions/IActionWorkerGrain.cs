using Plexus.Security;

namespace Plexus.Actions;

/// <summary>
/// The worker protocol of an action: what the worker running one of its attempts calls on it to start the
/// attempt, report while it runs and record its result. Implemented by the same grain as <see cref="IActionGrain"/>,
/// but only silo code calls it: a client that could reach it could forge an attempt's output or result.
/// </summary>
[Alias("plexus.IActionWorkerGrain"), SiloOnly]
public interface IActionWorkerGrain : IGrainWithGuidKey
{
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
    /// Records the result of step <see cref="CommandResult.Step"/> of the running attempt when more steps follow it, and
    /// returns the number of the step to run next, or <see langword="null"/> when the worker runs no more and
    /// reports the attempt with <see cref="CompleteAsync"/> (a failure without keep-going, a cancel, a stop, or no
    /// step left to run). The last step goes to <see cref="CompleteAsync"/> directly.
    /// </summary>
    [Alias("CompleteStep")]
    Task<int?> CompleteStepAsync(CommandResult result);

    /// <summary>
    /// Records the result of the running attempt <see cref="CommandResult.Attempt"/>. Returns
    /// <see langword="false"/> when that attempt is no longer the running one (the report is late and ignored).
    /// </summary>
    [Alias("Complete")]
    Task<bool> CompleteAsync(CommandResult result);
}
