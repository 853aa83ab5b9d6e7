namespace Plexus.Actions;

/// <summary>
/// When a failed attempt of an action is tried again, and after how long. The configured policy
/// (<c>Plexus:Retry</c>) with the dispatch's <see cref="RetryOverrides"/> applied is stored with the action.
/// </summary>
[GenerateSerializer, Alias("plexus.RetryPolicy")]
public sealed record RetryPolicy
{
    /// <summary>Gets how many attempts the action may have in all, the first included. Default is 3.</summary>
    [Id(0)] public int MaxAttempts { get; init; } = 3;

    /// <summary>Gets the wait before the second attempt; each later wait doubles. Default is 5 seconds.</summary>
    [Id(1)] public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the longest wait between two attempts. Default is 5 minutes.</summary>
    [Id(2)] public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets whether an attempt whose worker was lost (silo crash, kill, lease lapse) is retried. Default is yes.</summary>
    [Id(3)] public bool RetryOnWorkerLost { get; init; } = true;

    /// <summary>Gets whether an attempt that ran past its run-time limit is retried. Default is no.</summary>
    [Id(4)] public bool RetryOnTimeout { get; init; }

    /// <summary>Gets the exit codes after which an attempt is retried. Default is none.</summary>
    [Id(5)] public IReadOnlyList<int> RetryExitCodes { get; init; } = [];

    /// <summary>
    /// Gets after how many lost workers the action is stopped as poison: a command that keeps taking its worker
    /// down is not tried again, whatever <see cref="MaxAttempts"/> allows. Default is 3.
    /// </summary>
    [Id(6)] public int MaxLostWorkers { get; init; } = 3;

    /// <summary>
    /// Gets whether a retry runs every step of the action again. By default it resumes at the step that failed: steps
    /// that succeeded are not run again. Default is no.
    /// </summary>
    [Id(7)] public bool StartOver { get; init; }

    /// <summary>Gets this policy with <paramref name="overrides"/> applied.</summary>
    public RetryPolicy With(RetryOverrides? overrides) => overrides is null ? this : this with
    {
        MaxAttempts = overrides.MaxAttempts ?? MaxAttempts,
        RetryOnTimeout = overrides.RetryOnTimeout ?? RetryOnTimeout,
        RetryExitCodes = overrides.RetryExitCodes is { } codes ? [.. codes.Distinct().Order()] : RetryExitCodes,
        StartOver = overrides.StartOver ?? StartOver,
    };

    /// <summary>Describes what is wrong with the policy, or returns <see langword="null"/> when it is usable.</summary>
    public string? Problem() => this switch
    {
        { MaxAttempts: < 1 or > 100 } => $"The number of attempts must be between 1 and 100; it is {MaxAttempts}.",
        { MaxLostWorkers: < 1 } => $"The number of lost workers before an action is stopped as poison must be at least 1; it is {MaxLostWorkers}.",
        _ when InitialDelay < TimeSpan.Zero || MaxDelay < InitialDelay =>
            $"The retry delays must satisfy 0 <= initial ({InitialDelay}) <= maximum ({MaxDelay}).",
        _ when RetryExitCodes.Any(code => code is < 1 or > 255) =>
            $"Retryable exit codes must be between 1 and 255; got {string.Join(", ", RetryExitCodes)}.",
        _ => null,
    };

    /// <summary>
    /// Gets the wait before attempt <paramref name="nextAttempt"/> (2 or more): <see cref="InitialDelay"/> doubled
    /// for each attempt after the second, capped at <see cref="MaxDelay"/>, then scaled by a random factor between
    /// 0.5 and 1 (<paramref name="jitter"/> in [0, 1)) so actions that failed together do not retry together.
    /// </summary>
    public TimeSpan DelayBefore(int nextAttempt, double jitter)
    {
        var exponent = Math.Clamp(nextAttempt - 2, 0, 30);
        var ticks = Math.Min(InitialDelay.Ticks * Math.Pow(2, exponent), MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (0.5 + (jitter / 2))));
    }
}
