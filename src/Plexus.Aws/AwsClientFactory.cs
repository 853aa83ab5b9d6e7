using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Orleans.Runtime;

namespace Plexus.Aws;

/// <summary>
/// Builds the AWS service clients of every provider the same way: from the SDK's default configuration, overriding
/// only what <see cref="AwsConnectionOptions"/> sets, so <c>AWS_REGION</c>, <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>,
/// profiles and task roles keep working when nothing is set.
/// </summary>
public static class AwsClientFactory
{
    /// <summary>
    /// Creates a client for <paramref name="options"/>: <paramref name="create"/> gets the service's config with the
    /// region and endpoint applied, and the explicit credentials, or null to let the SDK's credential chain decide.
    /// </summary>
    /// <example><code>AwsClientFactory.Create(options, (AWSCredentials? c, AmazonSQSConfig config) => new AmazonSQSClient(c, config))</code></example>
    public static TClient Create<TClient, TConfig>(AwsConnectionOptions options, Func<AWSCredentials?, TConfig, TClient> create)
        where TConfig : ClientConfig, new()
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(create);

        // A fresh config keeps the SDK's own lookups for everything not set explicitly.
        var config = new TConfig();
        if (!string.IsNullOrWhiteSpace(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            // Setting the URL clears the region endpoint; the region is still needed to sign requests.
            config.ServiceURL = options.ServiceUrl;
            if (!string.IsNullOrWhiteSpace(options.Region))
            {
                config.AuthenticationRegion = options.Region;
            }
        }

        return create(Credentials(options), config);
    }

    /// <summary>The explicit credentials <paramref name="options"/> name, or null for the SDK's credential chain.</summary>
    public static AWSCredentials? Credentials(AwsConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.AccessKey))
        {
            return string.IsNullOrWhiteSpace(options.Token)
                ? new BasicAWSCredentials(options.AccessKey, options.SecretKey)
                : new SessionAWSCredentials(options.AccessKey, options.SecretKey, options.Token);
        }

        if (!string.IsNullOrWhiteSpace(options.ProfileName))
        {
            return new CredentialProfileStoreChain().TryGetAWSCredentials(options.ProfileName, out var profile)
                ? profile
                : throw new OrleansConfigurationException(
                    $"The AWS profile '{options.ProfileName}' named by {nameof(AwsConnectionOptions.ProfileName)} is not in the shared credentials " +
                    "or config file (~/.aws/credentials, ~/.aws/config): add it, or leave ProfileName unset to use the SDK's credential chain.");
        }

        return null;
    }
}
