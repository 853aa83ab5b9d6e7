using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.SQS;
using Orleans.Runtime;
using Plexus.Aws.Sqs.Options;

namespace Plexus.Aws.Sqs.Streams;

/// <summary>
/// Builds the SQS client from the SDK's own defaults and overrides only what the options set, so
/// <c>AWS_REGION</c>, <c>AWS_ENDPOINT_URL_SQS</c>, profiles and task roles keep working when nothing is set.
/// </summary>
public static class SqsClientFactory
{
    /// <summary>Creates a client for <paramref name="options"/>.</summary>
    public static IAmazonSQS Create(SqsStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonSQSConfig();
        if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            if (!string.IsNullOrEmpty(options.Region))
            {
                // An explicit endpoint drops the region endpoint; requests must still be signed for the region.
                config.AuthenticationRegion = options.Region;
            }
        }

        var credentials = Credentials(options);
        return credentials is null ? new AmazonSQSClient(config) : new AmazonSQSClient(credentials, config);
    }

    private static AWSCredentials? Credentials(SqsStreamOptions options)
    {
        if (!string.IsNullOrEmpty(options.AccessKey))
        {
            return string.IsNullOrEmpty(options.Token)
                ? new BasicAWSCredentials(options.AccessKey, options.SecretKey)
                : new SessionAWSCredentials(options.AccessKey, options.SecretKey, options.Token);
        }

        if (!string.IsNullOrEmpty(options.ProfileName))
        {
            return new CredentialProfileStoreChain().TryGetAWSCredentials(options.ProfileName, out var profile)
                ? profile
                : throw new OrleansConfigurationException(
                    $"SQS streams: the AWS profile '{options.ProfileName}' ({nameof(SqsStreamOptions.ProfileName)}) is not in the shared credentials or config files.");
        }

        return null;
    }
}
