namespace Plexus.Actions;

/// <summary>
/// The outcome of one attempt, in the original dispatch system's result format
/// (<c>status</c>, <c>command</c>, <c>stdout</c>, <c>stderr</c>, <c>error</c>) plus what users need to trace it.
/// </summary>
[GenerateSerializer, Alias("plexus.CommandResult")]
public sealed record CommandResult
{
    /// <summary>Gets <see cref="ResultStatus.Success"/> or <see cref="ResultStatus.Error"/>.</summary>
    [Id(0)] public required string Status { get; init; }

    /// <summary>Gets the command string as dispatched.</summary>
    [Id(1)] public required string Command { get; init; }

    /// <summary>Gets the captured standard output (head and tail kept when over the cap).</summary>
    [Id(2)] public string Stdout { get; init; } = "";

    /// <summary>Gets the captured standard error (head and tail kept when over the cap).</summary>
    [Id(3)] public string Stderr { get; init; } = "";

    /// <summary>Gets why the attempt is an error, or <see langword="null"/> on success.</summary>
    [Id(4)] public string? Error { get; init; }

    /// <summary>Gets the process exit code, or <see langword="null"/> when the process never ran to an exit.</summary>
    [Id(5)] public int? ExitCode { get; init; }

    /// <summary>Gets the attempt number this result belongs to (1-based).</summary>
    [Id(6)] public int Attempt { get; init; }

    /// <summary>Gets where the attempt ran.</summary>
    [Id(7)] public WorkerInfo? Worker { get; init; }

    /// <summary>Gets when the worker started the process.</summary>
    [Id(8)] public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the process ended and its output was collected.</summary>
    [Id(9)] public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Gets the number of standard-output bytes left out of <see cref="Stdout"/> by the cap.</summary>
    [Id(10)] public long StdoutDroppedBytes { get; init; }

    /// <summary>Gets the number of standard-error bytes left out of <see cref="Stderr"/> by the cap.</summary>
    [Id(11)] public long StderrDroppedBytes { get; init; }

    /// <summary>Gets why the command was stopped before it ended by itself, if it was.</summary>
    [Id(12)] public StopReason? StoppedBy { get; init; }

    /// <summary>Gets the CPU time and peak memory of the attempt's whole process tree, once a process ran.</summary>
    [Id(20)] public ResourceUse? Resources { get; init; }

    /// <summary>Gets the step this result belongs to, from 1; for an action's result, the step that decided it.</summary>
    [Id(21)] public int Step { get; init; } = 1;

    /// <summary>Gets the files the step wrote under <c>$PLEXUS_ARTIFACTS_DIR</c> that were kept.</summary>
    [Id(22)] public IReadOnlyList<ArtifactInfo> Artifacts { get; init; } = [];

    /// <summary>Gets the files under <c>$PLEXUS_ARTIFACTS_DIR</c> that were not kept, and why.</summary>
    [Id(23)] public IReadOnlyList<ArtifactRefusal> ArtifactsRefused { get; init; } = [];

    /// <summary>Gets how long the attempt ran.</summary>
    public TimeSpan Duration => FinishedAt - StartedAt;

    /// <summary>Gets whether the attempt succeeded.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsSuccess => Status == ResultStatus.Success;
}

/// <summary>The words of <see cref="CommandResult.Status"/>.</summary>
public static class ResultStatus
{
    /// <summary>The command exited 0 (help output included).</summary>
    public const string Success = "success";

    /// <summary>Anything else: a non-zero exit, a program that could not start, a lost worker.</summary>
    public const string Error = "error";
}
