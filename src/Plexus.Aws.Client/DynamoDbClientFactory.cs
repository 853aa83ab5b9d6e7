using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Plexus.Aws.Client;

/// <summary>Builds the DynamoDB client of a provider that was given none, the way every AWS client is built.</summary>
internal static class DynamoDbClientFactory
{
    public static IAmazonDynamoDB Create(AwsConnectionOptions options) =>
        AwsClientFactory.Create(options, static (AWSCredentials? credentials, AmazonDynamoDBConfig config) => new AmazonDynamoDBClient(credentials, config));
}
