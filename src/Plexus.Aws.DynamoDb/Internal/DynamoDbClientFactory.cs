using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Orleans.Runtime;
using Plexus.Aws.DynamoDb.Options;

namespace Plexus.Aws.DynamoDb.Internal;

/// <summary>Builds a DynamoDB client from the SDK's default configuration, overriding only what the options set.</summary>
internal static class DynamoDbClientFactory
{
    public static IAmazonDynamoDB Create(DynamoDbOptions options)
    {
        // A fresh config keeps the SDK's own lookups (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, the shared config
        // file) for everything not set explicitly.
        var config = new AmazonDynamoDBConfig();
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

        var credentials = Credentials(options);
        return credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
    }

    private static AWSCredentials? Credentials(DynamoDbOptions options)
    {
        if (!string.IsNullOrEmpty(options.AccessKey))
        {
            return string.IsNullOrEmpty(options.Token)
                ? new BasicAWSCredentials(options.AccessKey, options.SecretKey)
                : new SessionAWSCredentials(options.AccessKey, options.SecretKey, options.Token);
        }

        if (!string.IsNullOrEmpty(options.ProfileName))
        {
            if (new CredentialProfileStoreChain().TryGetAWSCredentials(options.ProfileName, out var profileCredentials))
            {
                return profileCredentials;
            }

            throw new OrleansConfigurationException(
                $"The AWS profile '{options.ProfileName}' named by {nameof(DynamoDbOptions.ProfileName)} was not found in the shared credentials or config file.");
        }

        return null;
    }
}
