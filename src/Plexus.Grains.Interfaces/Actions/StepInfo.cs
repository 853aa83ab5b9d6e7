using System.Collections.Immutable;

namespace Plexus.Actions;

/// <summary>Where one step of an action stands.</summary>
[GenerateSerializer, Alias("plexus.StepStatus")]
public enum StepStatus
{
    /// <summary>Not run yet in the current attempt.</summary>
    Pending = 0,

    /// <summary>Its command is running.</summary>
    Running = 1,

    /// <summary>Its command exited 0.</summary>
    Succeeded = 2,

    /// <summary>Its command exited non-zero, could not start, hit a limit, or its worker was lost.</summary>
    Failed = 3,

    /// <summary>An earlier step failed (without <see cref="ActionSnapshot.KeepGoing"/>) or the action was cancelled first.</summary>
    Skipped = 4,

    /// <summary>It was running when the action was cancelled.</summary>
    Cancelled = 5,

    /// <summary>It was running when the attempt's run-time limit passed.</summary>
    TimedOut = 6,
}

/// <summary>
/// One step of an action: a command of the dispatch, run in order on the attempt's worker, with its own result.
/// An action of one command has one step.
/// </summary>
[GenerateSerializer, Alias("plexus.StepInfo")]
public sealed record StepInfo
{
    /// <summary>Gets the step's position, from 1.</summary>
    [Id(0)] public required int Number { get; init; }

    /// <summary>Gets the command string of the step, as dispatched.</summary>
    [Id(1)] public required string Command { get; init; }

    /// <summary>Gets where the step stands.</summary>
    [Id(2)] public StepStatus Status { get; init; }

    /// <summary>Gets its command's exit code, once it exited.</summary>
    [Id(3)] public int? ExitCode { get; init; }

    /// <summary>Gets when its command started (in the attempt that ran it last).</summary>
    [Id(4)] public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when its command ended.</summary>
    [Id(5)] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the attempt that ran it last; a retry leaves a succeeded step as it is.</summary>
    [Id(6)] public int? Attempt { get; init; }

    /// <summary>Gets why the step is not a success, if it is not.</summary>
    [Id(7)] public string? Error { get; init; }

    /// <summary>Gets the step's captured standard output (head and tail kept when over the cap).</summary>
    [Id(8)] public string Stdout { get; init; } = "";

    /// <summary>Gets the step's captured standard error (head and tail kept when over the cap).</summary>
    [Id(9)] public string Stderr { get; init; } = "";

    /// <summary>Gets the CPU time and peak memory of the step's process tree, once a process ran.</summary>
    [Id(10)] public ResourceUse? Resources { get; init; }

    /// <summary>Gets the stages the step's command reported, in order.</summary>
    [Id(11)] public ImmutableList<StageInfo> Stages { get; init; } = [];

    /// <summary>Gets how far the step's current stage is, 0–100, when it reports a total.</summary>
    [Id(12)] public double? Percent { get; init; }

    /// <summary>Gets the files under <c>$PLEXUS_ARTIFACTS_DIR</c> that were not kept, and why.</summary>
    [Id(13)] public ImmutableList<ArtifactRefusal> ArtifactsRefused { get; init; } = [];

    /// <summary>Gets how long the step ran.</summary>
    public TimeSpan? Duration => StartedAt is { } started && FinishedAt is { } finished ? finished - started : null;
}
