namespace Plexus.Aws.DynamoDb.Options;

/// <summary>Settings a client uses to find the cluster's gateways in the DynamoDB membership table.</summary>
public sealed class DynamoDbGatewayOptions : DynamoDbOptions
{
    /// <summary>Gets or sets the membership table name the silos use. Default is <c>PlexusMembership</c>.</summary>
    public override string TableName { get; set; } = DynamoDbClusteringOptions.DefaultTableName;
}
