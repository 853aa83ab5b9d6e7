using Microsoft.Extensions.Logging;

namespace Plexus.Actions;

public sealed partial class ActionGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Action {ActionId} queued: '{Command}' by {Submitter}")]
    private partial void LogQueued(Guid actionId, string command, string submitter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Action {ActionId}: {From} -> {To} (attempt {Attempt})")]
    private partial void LogTransition(Guid actionId, ActionStatus from, ActionStatus to, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Action {ActionId}: start of attempt {Attempt} refused to {Silo}; it is {Status}")]
    private partial void LogStartRefused(Guid actionId, int attempt, string silo, ActionStatus? status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {ActionId}: cancel requested by {RequestedBy}; stopping its command")]
    private partial void LogCancelRequested(Guid actionId, string requestedBy);
}
