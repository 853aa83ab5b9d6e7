namespace Plexus.Aws.DynamoDb.Options;

/// <summary>Settings of the DynamoDB table that keeps the action index listings read.</summary>
public sealed class DynamoDbActionIndexOptions : DynamoDbOptions
{
    /// <summary>The table name used when none is set.</summary>
    public const string DefaultTableName = "PlexusActionIndex";

    /// <summary>The service key under which a keyed <c>IAmazonDynamoDB</c> is used for the action index instead of a built client.</summary>
    public const string ClientKey = "DynamoDbActionIndex";

    /// <summary>Gets or sets the action index table name (one table can hold many services). Default is <c>PlexusActionIndex</c>.</summary>
    public override string TableName { get; set; } = DefaultTableName;

    /// <summary>
    /// Gets or sets how long after an entry's retention ends DynamoDB's time to live may delete it: a backstop for
    /// entries the silos' own removal missed, late enough never to run ahead of it. Default is 1 day.
    /// </summary>
    public TimeSpan TimeToLiveMargin { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets the attribute that holds an entry's expiry time (Unix seconds) for DynamoDB's time to live. Default is <c>ExpiresAt</c>.</summary>
    public string TimeToLiveAttribute { get; set; } = "ExpiresAt";
}
