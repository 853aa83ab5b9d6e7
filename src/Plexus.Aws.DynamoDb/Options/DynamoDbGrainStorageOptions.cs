using Orleans.Storage;

namespace Plexus.Aws.DynamoDb.Options;

/// <summary>Settings of a grain storage kept in a DynamoDB table.</summary>
public sealed class DynamoDbGrainStorageOptions : DynamoDbOptions, IStorageProviderSerializerOptions
{
    /// <summary>The table name used when none is set.</summary>
    public const string DefaultTableName = "PlexusGrainState";

    /// <summary>The largest state a storage accepts unless <see cref="MaxStateSize"/> says otherwise: 64 MiB after compression.</summary>
    public const int DefaultMaxStateSize = 64 * 1024 * 1024;

    /// <summary>Gets or sets the table name. Default is <c>PlexusGrainState</c>.</summary>
    public override string TableName { get; set; } = DefaultTableName;

    /// <summary>
    /// Gets or sets the lifecycle stage at which the storage creates its table. Default is
    /// <see cref="ServiceLifecycleStage.ApplicationServices"/>.
    /// </summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>Gets or sets how grain state becomes bytes. Default is the Orleans binary serializer (version tolerant).</summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>
    /// Gets or sets the largest state, in bytes after compression, a write accepts; a larger one fails with an
    /// error instead of being cut. Default is 64 MiB.
    /// </summary>
    public int MaxStateSize { get; set; } = DefaultMaxStateSize;

    /// <summary>
    /// Gets or sets how long a state is kept after its last write. When set, every write stamps the items with an
    /// expiry time in <see cref="TimeToLiveAttribute"/>, the table's DynamoDB time to live is turned on for that
    /// attribute, and a state past its expiry reads as missing even before DynamoDB deletes it.
    /// Default is null: states are kept until cleared.
    /// </summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>Gets or sets the attribute that holds the expiry time (Unix seconds) when <see cref="TimeToLive"/> is set. Default is <c>ExpiresAt</c>.</summary>
    public string TimeToLiveAttribute { get; set; } = "ExpiresAt";
}
