using Plexus.Progress;

namespace Plexus.Actions;

/// <summary>Why a running command was stopped before it ended by itself.</summary>
[GenerateSerializer, Alias("plexus.StopReason")]
public enum StopReason
{
    /// <summary>Someone cancelled the action.</summary>
    Cancelled = 0,

    /// <summary>The attempt ran past its run-time limit.</summary>
    TimedOut = 1,

    /// <summary>Its silo was stopping and the drain deadline passed: the attempt is handed back for another silo.</summary>
    Drained = 2,
}

/// <summary>The worker side of a running attempt: the action grain pushes a stop to it.</summary>
[Alias("plexus.IAttemptControl")]
public interface IAttemptControl : IGrainObserver
{
    /// <summary>Stop the command's process tree (SIGTERM, grace period, SIGKILL) and report what it did so far.</summary>
    [Alias("Stop")]
    void Stop(StopReason reason);
}

/// <summary>What a worker sends while its attempt runs: the output and progress of step <see cref="Step"/> since its last report.</summary>
[GenerateSerializer, Alias("plexus.AttemptReport")]
public sealed record AttemptReport(
    [property: Id(0)] int Attempt,
    [property: Id(1)] IReadOnlyList<OutputChunk> Output,
    [property: Id(2)] IReadOnlyList<ProgressUpdate> Progress,
    [property: Id(3)] int Step = 1);

/// <summary>The answer to a cancel request.</summary>
/// <param name="Accepted">Whether the request changes anything (false: the action had already ended).</param>
/// <param name="Message">What happens now, for the user.</param>
/// <param name="Action">The action after the request.</param>
[GenerateSerializer, Alias("plexus.CancelResult")]
public sealed record CancelResult(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] string Message,
    [property: Id(2)] ActionSnapshot Action);
