using Microsoft.Extensions.Configuration;
using Orleans;

namespace Plexus.Aws;

/// <summary>
/// The application's <c>Plexus:Aws</c> section, which the silos and clients of the <c>Aws</c> profile share: one
/// region and one set of credentials for both services, an endpoint per service, and the prefixes that keep
/// deployments apart. Each setting left unset keeps the AWS SDK's own configuration (<c>AWS_REGION</c>,
/// <c>AWS_ENDPOINT_URL_DYNAMODB</c>, <c>AWS_ENDPOINT_URL_SQS</c>, the standard credential chain), which is what a
/// deployment on ECS with a task role wants.
/// </summary>
public sealed class PlexusAwsSettings
{
    /// <summary>The configuration section these settings are read from.</summary>
    public const string SectionName = "Plexus:Aws";

    /// <summary>Gets or sets the AWS region of both services. Default is null: the SDK's.</summary>
    public string? Region { get; set; }

    /// <summary>Gets or sets the DynamoDB endpoint URL, e.g. an emulator's. Default is null: the SDK's.</summary>
    public string? DynamoDbServiceUrl { get; set; }

    /// <summary>Gets or sets the SQS endpoint URL, e.g. an emulator's. Default is null: the SDK's.</summary>
    public string? SqsServiceUrl { get; set; }

    /// <summary>Gets or sets the S3 endpoint URL, e.g. an emulator's. Default is null: the SDK's (<c>AWS_ENDPOINT_URL_S3</c>).</summary>
    public string? S3ServiceUrl { get; set; }

    /// <summary>Gets or sets the S3 bucket that keeps artifacts. Default is <c>plexus-artifacts</c>.</summary>
    public string ArtifactsBucket { get; set; } = "plexus-artifacts";

    /// <summary>Gets or sets the prefix of the artifacts' S3 keys, to keep deployments apart in one bucket. Default is <c>artifacts/</c>.</summary>
    public string ArtifactsPrefix { get; set; } = "artifacts/";

    /// <summary>Gets or sets the access key id of explicit credentials for both services. Default is null: the SDK's credential chain.</summary>
    public string? AccessKey { get; set; }

    /// <summary>Gets or sets the secret access key that goes with <see cref="AccessKey"/>. Default is null.</summary>
    [Redact]
    public string? SecretKey { get; set; }

    /// <summary>Gets or sets the session token of temporary explicit credentials. Default is null.</summary>
    [Redact]
    public string? Token { get; set; }

    /// <summary>Gets or sets a profile of the shared AWS credentials and config files to take credentials from. Default is null: the SDK's credential chain.</summary>
    public string? ProfileName { get; set; }

    /// <summary>Gets or sets the prefix of the DynamoDB table names, to keep deployments apart. Default is none.</summary>
    public string TablePrefix { get; set; } = "";

    /// <summary>Gets or sets the prefix of the SQS queue names, to keep deployments apart. Default is null: the service id.</summary>
    public string? QueuePrefix { get; set; }

    /// <summary>Reads the settings from <paramref name="configuration"/>'s <see cref="SectionName"/> section.</summary>
    public static PlexusAwsSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(SectionName).Get<PlexusAwsSettings>() ?? new PlexusAwsSettings();
    }

    /// <summary>The connection settings of the DynamoDB providers (the membership table, the gateway list, grain state, reminders).</summary>
    public AwsConnectionOptions DynamoDbConnection() => Connection(DynamoDbServiceUrl);

    /// <summary>The connection settings of the S3 artifact store.</summary>
    public AwsConnectionOptions S3Connection() => Connection(S3ServiceUrl);

    /// <summary>The connection settings of the SQS streams.</summary>
    public AwsConnectionOptions SqsConnection() => Connection(SqsServiceUrl);

    private AwsConnectionOptions Connection(string? serviceUrl) => new()
    {
        Region = Region,
        ServiceUrl = serviceUrl,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        Token = Token,
        ProfileName = ProfileName,
    };
}
