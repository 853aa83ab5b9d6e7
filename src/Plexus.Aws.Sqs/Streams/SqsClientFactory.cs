using Amazon.Runtime;
using Amazon.SQS;

namespace Plexus.Aws.Sqs.Streams;

/// <summary>Builds the SQS client of a provider that was given none, the way every AWS client is built.</summary>
internal static class SqsClientFactory
{
    public static IAmazonSQS Create(AwsConnectionOptions options) =>
        AwsClientFactory.Create(options, static (AWSCredentials? credentials, AmazonSQSConfig config) => new AmazonSQSClient(credentials, config));
}
