using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Plexus.Persistence.Sqlite.Storage;

public sealed partial class SqliteGrainStorage
{
    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite grain storage '{Name}' ready at {Path}")]
    private partial void LogInitialized(string name, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite grain storage '{Name}': stale write of {StateName} for {GrainId} (etag {ETag}) refused")]
    private partial void LogInconsistent(string name, string stateName, GrainId grainId, string? etag);
}
