namespace Plexus.Aws.DynamoDb.Options;

/// <summary>Settings of the DynamoDB table that keeps the audit log.</summary>
public sealed class DynamoDbAuditLogOptions : DynamoDbOptions
{
    /// <summary>The table name used when none is set.</summary>
    public const string DefaultTableName = "PlexusAudit";

    /// <summary>The service key under which a keyed <c>IAmazonDynamoDB</c> is used for the audit log instead of a built client.</summary>
    public const string ClientKey = "DynamoDbAuditLog";

    /// <summary>Gets or sets the audit table name (one table can hold many services). Default is <c>PlexusAudit</c>.</summary>
    public override string TableName { get; set; } = DefaultTableName;
}
