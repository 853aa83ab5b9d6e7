using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Plexus.Aws.DynamoDb.Reminders;

public sealed partial class DynamoDbReminderTable
{
    [LoggerMessage(Level = LogLevel.Information, Message = "DynamoDB reminder table {Table} ready for service {ServiceId}")]
    private partial void LogReady(string table, string serviceId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Removal of reminder {ReminderName} of {GrainId} refused: it changed or is gone")]
    private partial void LogRemoveRefused(string reminderName, GrainId grainId);
}
