namespace Plexus.Aws.DynamoDb.Options;

/// <summary>Settings of the DynamoDB membership table a silo joins its cluster through.</summary>
public sealed class DynamoDbClusteringOptions : DynamoDbOptions
{
    /// <summary>The table name used when none is set.</summary>
    public const string DefaultTableName = "PlexusMembership";

    /// <summary>Gets or sets the membership table name (one table can hold many clusters). Default is <c>PlexusMembership</c>.</summary>
    public override string TableName { get; set; } = DefaultTableName;
}
