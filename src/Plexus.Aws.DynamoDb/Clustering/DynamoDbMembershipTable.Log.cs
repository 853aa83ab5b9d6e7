using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Plexus.Aws.DynamoDb.Clustering;

public sealed partial class DynamoDbMembershipTable
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Membership version row created in {Table} for cluster {ClusterId}")]
    private partial void LogVersionRowCreated(string table, string clusterId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership write of {Silo} ({Status}) at version {Version} in cluster {ClusterId} refused: the table changed since it was read")]
    private partial void LogWriteRefused(SiloAddress silo, SiloStatus status, int version, string clusterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "I-am-alive of {Silo} in cluster {ClusterId} ignored: the silo has no membership row")]
    private partial void LogIAmAliveForMissingRow(SiloAddress silo, string clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} dead silo rows of cluster {ClusterId} last seen before {BeforeDate}")]
    private partial void LogDefunctRemoved(int count, string clusterId, DateTimeOffset beforeDate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership of cluster {ClusterId} kept changing during {Attempts} reads; returning the last read")]
    private partial void LogReadAllUnsettled(string clusterId, int attempts);
}
