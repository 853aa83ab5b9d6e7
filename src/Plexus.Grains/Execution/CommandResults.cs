using Plexus.Actions;

namespace Plexus.Execution;

/// <summary>Maps what happened to a process onto the result users see.</summary>
public static class CommandResults
{
    /// <summary>
    /// Builds the result of an attempt: exit 0 (help output included) is a success; a non-zero exit is an
    /// error carrying the exit code; a program that could not start is an error saying why.
    /// </summary>
    public static CommandResult From(
        string command, int attempt, WorkerInfo worker, DateTimeOffset startedAt, DateTimeOffset finishedAt, ProcessOutcome outcome)
    {
        var error = outcome switch
        {
            { StartError: { } startError } => startError,
            { ExitCode: 0 } => null,
            { ExitCode: 2 } => "The command exited with code 2 (a usage error); see stderr.",
            { ExitCode: { } code } => $"The command exited with code {code}.",
            _ => "The command ended without an exit code.",
        };
        return new CommandResult
        {
            Status = error is null ? ResultStatus.Success : ResultStatus.Error,
            Command = command,
            Stdout = outcome.Stdout.ToString(),
            Stderr = outcome.Stderr.ToString(),
            StdoutDroppedBytes = outcome.Stdout.DroppedBytes,
            StderrDroppedBytes = outcome.Stderr.DroppedBytes,
            Error = error,
            ExitCode = outcome.ExitCode,
            Attempt = attempt,
            Worker = worker,
            StartedAt = startedAt,
            FinishedAt = finishedAt,
            Resources = outcome.Resources,
        };
    }

    /// <summary>Marks <paramref name="result"/> as ended by a resource limit: an error naming the limit, whatever the exit code.</summary>
    public static CommandResult LimitExceeded(CommandResult result, string limit) => result with
    {
        Status = ResultStatus.Error,
        Error = $"The command exceeded its {limit} and was stopped.",
    };

    /// <summary>Marks <paramref name="result"/> as stopped on purpose: an error that says why, whatever the exit code.</summary>
    public static CommandResult Stopped(CommandResult result, StopReason reason, TimeSpan? limit) => result with
    {
        Status = ResultStatus.Error,
        StoppedBy = reason,
        Error = reason == StopReason.TimedOut
            ? $"The command ran past its run-time limit of {limit?.TotalSeconds:0.###} s and was stopped."
            : "The command was cancelled and stopped.",
    };

    /// <summary>Builds the error result of an attempt that never reached a process.</summary>
    public static CommandResult Refused(
        string command, int attempt, WorkerInfo worker, DateTimeOffset at, string error) => new()
    {
        Status = ResultStatus.Error,
        Command = command,
        Error = error,
        Attempt = attempt,
        Worker = worker,
        StartedAt = at,
        FinishedAt = at,
    };
}
