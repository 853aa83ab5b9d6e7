namespace Plexus.Actions;

/// <summary>What a caller asks for when it dispatches an action.</summary>
/// <param name="Command">The command string: a catalog name followed by its arguments, split by POSIX shell-word rules.</param>
/// <param name="Submitter">Who dispatched it (user and host, or a service name).</param>
/// <param name="Timeout">The run-time limit of one attempt; <see langword="null"/> for the configured default.</param>
/// <param name="Expires">The queue deadline, from dispatch: an action not started by then ends <see cref="ActionStatus.Expired"/>.</param>
/// <param name="Retry">Changes to the configured retry policy for this action; <see langword="null"/> keeps it.</param>
/// <param name="IdempotencyKey">
/// A key chosen by the caller: dispatching again with the same key returns the action the first dispatch
/// created instead of creating a second one (see <see cref="IdempotencyKeys"/>).
/// </param>
/// <param name="Retention">How long the action is kept once it is final; <see langword="null"/> for the configured default.</param>
/// <param name="Limits">
/// Memory and CPU-time limits of each attempt's process tree, at most the catalog entry's own
/// (<c>Plexus:Commands:&lt;name&gt;:Limits</c>); <see langword="null"/> for the entry's.
/// </param>
[GenerateSerializer, Alias("plexus.ActionRequest")]
public sealed record ActionRequest(
    [property: Id(0)] string Command,
    [property: Id(1)] string Submitter,
    [property: Id(2)] TimeSpan? Timeout = null,
    [property: Id(3)] TimeSpan? Expires = null,
    [property: Id(4)] RetryOverrides? Retry = null,
    [property: Id(5)] string? IdempotencyKey = null,
    [property: Id(6)] TimeSpan? Retention = null,
    [property: Id(20)] ResourceLimits? Limits = null);

/// <summary>The parts of the retry policy a dispatch may set; each <see langword="null"/> keeps the configured value.</summary>
/// <param name="MaxAttempts">How many attempts the action may have in all, the first included.</param>
/// <param name="RetryOnTimeout">Whether an attempt that ran past its run-time limit is retried.</param>
/// <param name="RetryExitCodes">The exit codes after which an attempt is retried.</param>
[GenerateSerializer, Alias("plexus.RetryOverrides")]
public sealed record RetryOverrides(
    [property: Id(0)] int? MaxAttempts = null,
    [property: Id(1)] bool? RetryOnTimeout = null,
    [property: Id(2)] IReadOnlyList<int>? RetryExitCodes = null);
