using Microsoft.Extensions.Logging;

namespace Plexus.Aws.DynamoDb.Indexing;

public sealed partial class DynamoDbActionIndex
{
    [LoggerMessage(Level = LogLevel.Information, Message = "DynamoDB action index {Table} ready for service {ServiceId}")]
    private partial void LogReady(string table, string serviceId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Index update of action {ActionId} to version {Version} ignored: the entry is as new or newer")]
    private partial void LogOlderUpdateIgnored(Guid actionId, long version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Index entry of action {ActionId} not removed at version {Version}: it is gone or newer")]
    private partial void LogRemoveRefused(Guid actionId, long version);
}
