namespace Plexus.Aws.DynamoDb.Options;

/// <summary>
/// Table settings shared by the DynamoDB providers, on top of the connection settings every AWS provider shares
/// (<see cref="AwsConnectionOptions"/>: region, <c>ServiceUrl</c>, keys, profile). Whatever is left unset is taken
/// from the AWS SDK's standard configuration, the endpoint from <c>AWS_ENDPOINT_URL_DYNAMODB</c>.
/// </summary>
public abstract class DynamoDbOptions : AwsConnectionOptions
{
    /// <summary>Gets or sets a prefix put in front of the table name, e.g. an environment name. Default is empty.</summary>
    public string TablePrefix { get; set; } = "";

    /// <summary>Gets or sets the table name, without <see cref="TablePrefix"/>. Default depends on the provider.</summary>
    public abstract string TableName { get; set; }

    /// <summary>
    /// Gets or sets the provisioned read capacity of a table this provider creates. Default is null: the table is
    /// created with on-demand (pay per request) billing. Set together with <see cref="WriteCapacityUnits"/>.
    /// </summary>
    public int? ReadCapacityUnits { get; set; }

    /// <summary>
    /// Gets or sets the provisioned write capacity of a table this provider creates. Default is null: on-demand
    /// billing. Set together with <see cref="ReadCapacityUnits"/>.
    /// </summary>
    public int? WriteCapacityUnits { get; set; }

    /// <summary>
    /// Gets or sets whether the provider creates its table when it does not exist. Default is true. When false, a
    /// missing table stops start-up with an error naming it.
    /// </summary>
    public bool CreateIfNotExists { get; set; } = true;

    /// <summary>Gets or sets how long start-up waits for a table being created to become active. Default is 2 minutes.</summary>
    public TimeSpan TableActivationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets the full table name: <see cref="TablePrefix"/> followed by <see cref="TableName"/>.</summary>
    public string FullTableName => TablePrefix + TableName;
}
