namespace Plexus.Aws.Client;

/// <summary>Settings a client uses to find the cluster's gateways in the DynamoDB membership table the silos keep.</summary>
public sealed class DynamoDbGatewayOptions : AwsConnectionOptions
{
    /// <summary>The membership table name used when none is set, by silos and clients alike.</summary>
    public const string DefaultTableName = "PlexusMembership";

    /// <summary>The service key under which a keyed <c>IAmazonDynamoDB</c> is used for DynamoDB clustering instead of a built client.</summary>
    public const string ClientKey = "DynamoDbClustering";

    /// <summary>Gets or sets a prefix put in front of the table name, e.g. an environment name. Default is empty.</summary>
    public string TablePrefix { get; set; } = "";

    /// <summary>Gets or sets the membership table name the silos use, without <see cref="TablePrefix"/>. Default is <c>PlexusMembership</c>.</summary>
    public string TableName { get; set; } = DefaultTableName;

    /// <summary>Gets the full table name: <see cref="TablePrefix"/> followed by <see cref="TableName"/>.</summary>
    public string FullTableName => TablePrefix + TableName;
}
