using Orleans;

namespace Plexus.Aws.DynamoDb.Options;

/// <summary>
/// Connection and table settings shared by the DynamoDB providers. Everything left unset is taken from the AWS SDK's
/// standard configuration: the region from <c>AWS_REGION</c> or the shared config file, the endpoint from
/// <c>AWS_ENDPOINT_URL_DYNAMODB</c>, and credentials from the standard credential chain (environment, profile,
/// container or instance role).
/// </summary>
public abstract class DynamoDbOptions
{
    /// <summary>Gets or sets the AWS region system name, e.g. <c>eu-west-1</c>. Default is null: the SDK's standard region lookup.</summary>
    public string? Region { get; set; }

    /// <summary>
    /// Gets or sets the endpoint to talk to instead of the region's public endpoint, e.g. <c>http://127.0.0.1:8000</c>
    /// for DynamoDB Local. Default is null: <c>AWS_ENDPOINT_URL_DYNAMODB</c> if set, else the region's endpoint.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Gets or sets the access key id of explicit credentials. Default is null: the standard credential chain.</summary>
    public string? AccessKey { get; set; }

    /// <summary>Gets or sets the secret access key that goes with <see cref="AccessKey"/>. Default is null.</summary>
    [Redact]
    public string? SecretKey { get; set; }

    /// <summary>Gets or sets the session token of temporary explicit credentials. Default is null.</summary>
    [Redact]
    public string? Token { get; set; }

    /// <summary>
    /// Gets or sets the name of a profile in the shared AWS credentials/config files to take credentials from.
    /// Default is null: the standard credential chain. Ignored when <see cref="AccessKey"/> is set.
    /// </summary>
    public string? ProfileName { get; set; }

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
