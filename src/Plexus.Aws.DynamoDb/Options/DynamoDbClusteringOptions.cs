using Plexus.Aws.Client;

namespace Plexus.Aws.DynamoDb.Options;

/// <summary>Settings of the DynamoDB membership table a silo joins its cluster through.</summary>
public sealed class DynamoDbClusteringOptions : DynamoDbOptions
{
    /// <summary>The table name used when none is set.</summary>
    public const string DefaultTableName = DynamoDbGatewayOptions.DefaultTableName;

    /// <summary>The service key under which a keyed <c>IAmazonDynamoDB</c> is used for the membership table instead of a built client.</summary>
    public const string ClientKey = DynamoDbGatewayOptions.ClientKey;

    /// <summary>Gets or sets the membership table name (one table can hold many clusters). Default is <c>PlexusMembership</c>.</summary>
    public override string TableName { get; set; } = DefaultTableName;
}
