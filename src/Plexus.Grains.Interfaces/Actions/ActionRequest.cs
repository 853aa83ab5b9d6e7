namespace Plexus.Actions;

/// <summary>What a caller asks for when it dispatches an action.</summary>
/// <param name="Command">
/// The command string: a catalog name followed by its arguments, split by POSIX shell-word rules. With
/// <paramref name="Steps"/>, the first of them.
/// </param>
/// <param name="Submitter">Who dispatched it (user and host, or a service name).</param>
/// <param name="Timeout">The run-time limit of one attempt; <see langword="null"/> for the configured default.</param>
/// <param name="Expires">The queue deadline, from dispatch: an action not started by then ends <see cref="ActionStatus.Expired"/>.</param>
/// <param name="Retry">Changes to the configured retry policy for this action; <see langword="null"/> keeps it.</param>
/// <param name="IdempotencyKey">
/// A key chosen by the caller: dispatching again with the same key returns the action the first dispatch
/// created instead of creating a second one (see <see cref="IdempotencyKeys"/>).
/// </param>
/// <param name="Retention">How long the action is kept once it is final; <see langword="null"/> for the configured default.</param>
/// <param name="Queue">
/// The queue it waits in until a silo serving that queue runs it (see <see cref="Queues.QueueNames"/>);
/// <see langword="null"/> for <see cref="Queues.QueueNames.Default"/>.
/// </param>
/// <param name="Limits">
/// Memory and CPU-time limits of each attempt's process tree, at most the catalog entry's own
/// (<c>Plexus:Commands:&lt;name&gt;:Limits</c>); <see langword="null"/> for the entry's.
/// </param>
/// <param name="Steps">
/// The commands to run in order on one worker as the action's steps, <paramref name="Command"/> first (see <see cref="Of"/>);
/// <see langword="null"/> for an action of <paramref name="Command"/> alone.
/// </param>
/// <param name="KeepGoing">Whether every step runs even after one failed; by default the first failure skips the rest.</param>
[GenerateSerializer, Alias("plexus.ActionRequest")]
public sealed record ActionRequest(
    [property: Id(0)] string Command,
    [property: Id(1)] string Submitter,
    [property: Id(2)] TimeSpan? Timeout = null,
    [property: Id(3)] TimeSpan? Expires = null,
    [property: Id(4)] RetryOverrides? Retry = null,
    [property: Id(5)] string? IdempotencyKey = null,
    [property: Id(6)] TimeSpan? Retention = null,
    [property: Id(20)] ResourceLimits? Limits = null,
    [property: Id(7)] string? Queue = null,
    [property: Id(8)] IReadOnlyList<string>? Steps = null,
    [property: Id(9)] bool KeepGoing = false)
{
    /// <summary>The most steps an action may have.</summary>
    public const int MaxSteps = 100;

    /// <summary>Gets the commands the action runs, in order: <see cref="Steps"/>, or <see cref="Command"/> alone.</summary>
    public IReadOnlyList<string> Commands => Steps is { Count: > 0 } steps ? steps : [Command];

    /// <summary>Returns the request for an action that runs <paramref name="commands"/> in order, as steps.</summary>
    public static ActionRequest Of(IReadOnlyList<string> commands, string submitter)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return new ActionRequest(commands.Count > 0 ? commands[0] : "", submitter, Steps: commands.Count > 1 ? commands : null);
    }
}

/// <summary>The parts of the retry policy a dispatch may set; each <see langword="null"/> keeps the configured value.</summary>
/// <param name="MaxAttempts">How many attempts the action may have in all, the first included.</param>
/// <param name="RetryOnTimeout">Whether an attempt that ran past its run-time limit is retried.</param>
/// <param name="RetryExitCodes">The exit codes after which an attempt is retried.</param>
/// <param name="StartOver">Whether a retry runs every step again instead of resuming at the step that failed.</param>
[GenerateSerializer, Alias("plexus.RetryOverrides")]
public sealed record RetryOverrides(
    [property: Id(0)] int? MaxAttempts = null,
    [property: Id(1)] bool? RetryOnTimeout = null,
    [property: Id(2)] IReadOnlyList<int>? RetryExitCodes = null,
    [property: Id(3)] bool? StartOver = null);
