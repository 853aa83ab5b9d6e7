namespace Plexus.Actions;

/// <summary>How one attempt of an action ended.</summary>
[GenerateSerializer, Alias("plexus.AttemptOutcome")]
public enum AttemptOutcome
{
    /// <summary>The command exited with code 0.</summary>
    Succeeded = 0,

    /// <summary>The command exited non-zero or could not run.</summary>
    Failed = 1,

    /// <summary>The command ran past its run-time limit and was stopped.</summary>
    TimedOut = 2,

    /// <summary>The command was stopped on request.</summary>
    Cancelled = 3,

    /// <summary>The worker stopped renewing its lease (its silo crashed, was killed or cut off).</summary>
    WorkerLost = 4,
}

/// <summary>One attempt of an action, as <c>plexus-client status</c> lists it.</summary>
/// <param name="Number">The attempt number, from 1.</param>
/// <param name="Worker">Where it ran.</param>
/// <param name="StartedAt">When the worker took it.</param>
/// <param name="FinishedAt">When it ended (for a lost worker: when its lease lapsed).</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="ExitCode">The command's exit code, if it exited.</param>
/// <param name="Error">Why it is not a success, if it is not.</param>
/// <param name="Resources">The CPU time and peak memory of its process tree, once a process ran.</param>
[GenerateSerializer, Alias("plexus.AttemptRecord")]
public sealed record AttemptRecord(
    [property: Id(0)] int Number,
    [property: Id(1)] WorkerInfo? Worker,
    [property: Id(2)] DateTimeOffset? StartedAt,
    [property: Id(3)] DateTimeOffset FinishedAt,
    [property: Id(4)] AttemptOutcome Outcome,
    [property: Id(5)] int? ExitCode,
    [property: Id(6)] string? Error,
    [property: Id(20)] ResourceUse? Resources = null);
