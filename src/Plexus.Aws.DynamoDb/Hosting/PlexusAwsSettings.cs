using Microsoft.Extensions.Configuration;
using Plexus.Aws.DynamoDb.Options;

namespace Plexus.Aws.DynamoDb.Hosting;

/// <summary>
/// The <c>Plexus:Aws</c> settings silos and clients of the <c>Aws</c> profile share. Each one left unset keeps the
/// AWS SDK's own configuration (<c>AWS_REGION</c>, <c>AWS_ENDPOINT_URL_DYNAMODB</c>, <c>AWS_ENDPOINT_URL_SQS</c>, the
/// standard credential chain), which is what a deployment on ECS with a task role wants.
/// </summary>
public sealed class PlexusAwsSettings
{
    /// <summary>The configuration section these settings are read from.</summary>
    public const string SectionName = "Plexus:Aws";

    /// <summary>Gets or sets the AWS region. Default is the SDK's.</summary>
    public string? Region { get; set; }

    /// <summary>Gets or sets the DynamoDB endpoint URL, e.g. an emulator's. Default is the SDK's.</summary>
    public string? DynamoDbServiceUrl { get; set; }

    /// <summary>Gets or sets the SQS endpoint URL, e.g. an emulator's. Default is the SDK's.</summary>
    public string? SqsServiceUrl { get; set; }

    /// <summary>Gets or sets the prefix of the DynamoDB table names, to keep deployments apart. Default is none.</summary>
    public string TablePrefix { get; set; } = "";

    /// <summary>Gets or sets the prefix of the SQS queue names, to keep deployments apart. Default is the service id.</summary>
    public string? QueuePrefix { get; set; }

    /// <summary>Reads the settings from <paramref name="configuration"/>'s <see cref="SectionName"/> section.</summary>
    public static PlexusAwsSettings From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<PlexusAwsSettings>() ?? new PlexusAwsSettings();

    /// <summary>Copies what is set onto the options of one DynamoDB provider.</summary>
    public void ApplyTo(DynamoDbOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Region = Region ?? options.Region;
        options.ServiceUrl = DynamoDbServiceUrl ?? options.ServiceUrl;
        options.TablePrefix = TablePrefix;
    }
}
