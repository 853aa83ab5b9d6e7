using Microsoft.Extensions.Logging;

namespace Plexus.Actions;

public sealed partial class ActionGrain
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Action {ActionId} queued: '{Command}' by {Submitter}")]
    private partial void LogQueued(Guid actionId, string command, string submitter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Action {ActionId}: {From} -> {To} (attempt {Attempt})")]
    private partial void LogTransition(Guid actionId, ActionStatus from, ActionStatus to, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Action {ActionId}: start of attempt {Attempt} refused to {Silo}; it is {Status}")]
    private partial void LogStartRefused(Guid actionId, int attempt, string silo, ActionStatus? status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {ActionId}: cancel requested by {RequestedBy}; stopping its command")]
    private partial void LogCancelRequested(Guid actionId, string requestedBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {ActionId}: attempt {Attempt} ended {Outcome}; next attempt in {DelaySeconds:0.##} s")]
    private partial void LogRetrying(Guid actionId, int attempt, AttemptOutcome outcome, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Action {ActionId}: the worker of attempt {Attempt} on {Silo} stopped renewing its lease")]
    private partial void LogWorkerLost(Guid actionId, int attempt, string? silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {ActionId}: still queued; attempt {Attempt} published again in case its envelope was lost")]
    private partial void LogRepublished(Guid actionId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {ActionId}: retention ran out ({RetainUntil:O}); its request, output and result are removed")]
    private partial void LogForgotten(Guid actionId, DateTimeOffset retainUntil);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Action {ActionId}: could not update its index entry (version {Version}); the recovery check tries again")]
    private partial void LogIndexFailed(Exception exception, Guid actionId, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Action {ActionId}: could not {Operation} its recovery reminder")]
    private partial void LogReminderFailed(Exception exception, Guid actionId, string operation);
}
