using Microsoft.Extensions.Logging;

namespace Plexus.Execution;

public sealed partial class WorkerPool
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Action {ActionId}: envelope for attempt {Attempt} dropped, the attempt is not startable")]
    private partial void LogDuplicateDropped(Guid actionId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {ActionId}: attempt {Attempt} finished {Status} (exit {ExitCode}) in {DurationMs:F0} ms")]
    private partial void LogAttemptFinished(Guid actionId, int attempt, string status, int? exitCode, double durationMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Action {ActionId}: attempt {Attempt} could not be run or reported")]
    private partial void LogAttemptFailed(Exception exception, Guid actionId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog command '{Name}' (program '{Executable}') cannot start on this silo: {Problem}; dispatching it will fail")]
    private partial void LogUnrunnableCommand(string name, string executable, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live report of attempt {Attempt} could not be sent")]
    private partial void LogReportFailed(Exception exception, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Action {ActionId}: envelope for attempt {Attempt} dropped, this silo does not serve queue {Queue}")]
    private partial void LogNotServed(Guid actionId, int attempt, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {ActionId}: envelope for attempt {Attempt} handed back to queue {Queue}, this silo is draining")]
    private partial void LogHandedBack(Guid actionId, int attempt, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Draining: no new work; {Running} running commands get up to {DrainSeconds:0.###} s to finish")]
    private partial void LogDraining(int running, double drainSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain deadline passed: stopping {Running} commands and handing their actions back")]
    private partial void LogDrainDeadline(int running);
}
