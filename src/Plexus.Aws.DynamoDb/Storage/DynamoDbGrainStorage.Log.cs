using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Plexus.Aws.DynamoDb.Storage;

public sealed partial class DynamoDbGrainStorage
{
    [LoggerMessage(Level = LogLevel.Information, Message = "DynamoDB grain storage '{Name}' ready on table {Table}")]
    private partial void LogInitialized(string name, string table);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DynamoDB grain storage '{Name}': stale write of {StateName} for {GrainId} (etag {ETag}) refused")]
    private partial void LogInconsistent(string name, string stateName, GrainId grainId, string? etag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DynamoDB grain storage '{Name}': chunks of set {ChunkSet} could not be deleted; they are never read")]
    private partial void LogChunkCleanupFailed(Exception exception, string name, string chunkSet);
}
