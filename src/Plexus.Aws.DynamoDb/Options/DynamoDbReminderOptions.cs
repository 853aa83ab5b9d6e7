namespace Plexus.Aws.DynamoDb.Options;

/// <summary>Settings of the DynamoDB table that keeps the cluster's reminders.</summary>
public sealed class DynamoDbReminderOptions : DynamoDbOptions
{
    /// <summary>The table name used when none is set.</summary>
    public const string DefaultTableName = "PlexusReminders";

    /// <summary>The service key under which a keyed <c>IAmazonDynamoDB</c> is used for the reminder table instead of a built client.</summary>
    public const string ClientKey = "DynamoDbReminders";

    /// <summary>Gets or sets the reminder table name (one table can hold many services). Default is <c>PlexusReminders</c>.</summary>
    public override string TableName { get; set; } = DefaultTableName;
}
