using Microsoft.Extensions.Logging;

namespace Plexus.Audit;

public sealed partial class AuditTrail
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Audit: {Actor} from {Origin}: {Operation} of action {ActionId} {Outcome}: {Detail}")]
    private partial void LogEntry(string actor, string? origin, AuditOperation operation, Guid actionId, AuditOutcome outcome, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit: could not append the {Operation} of action {ActionId} by {Actor} to the audit log; the action goes on without it")]
    private partial void LogAppendFailed(Exception exception, AuditOperation operation, Guid actionId, string actor);
}
