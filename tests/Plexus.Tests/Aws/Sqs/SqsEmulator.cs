using Amazon.SQS;
using Amazon.SQS.Model;
using Xunit.Sdk;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>The fauxqs emulator the SQS tests run against, found through the AWS SDK's own environment variables.</summary>
public static class SqsEmulator
{
    /// <summary>Gets the emulator's endpoint, or fails the test with how to start it.</summary>
    public static string ServiceUrl =>
        Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_SQS") is { Length: > 0 } url
            ? url
            : throw new XunitException(
                "AWS_ENDPOINT_URL_SQS is not set, so there is no SQS emulator to test against: run `scripts/emulators.sh start` " +
                "and `source artifacts/emulators/env` (or use `scripts/test.sh`, which does both).");

    /// <summary>Creates an SDK client the way the provider does when nothing is configured: from the environment.</summary>
    public static IAmazonSQS CreateClient()
    {
        _ = ServiceUrl;
        return new AmazonSQSClient();
    }

    /// <summary>Gets a queue prefix no other test or run uses.</summary>
    public static string UniquePrefix(string test) => $"{test}-{Guid.NewGuid():N}"[..Math.Min(test.Length + 13, 60)];

    /// <summary>Gets the visible and in-flight message counts of a queue.</summary>
    public static async Task<(int Visible, int InFlight)> CountsAsync(IAmazonSQS client, string queueName)
    {
        var url = (await client.GetQueueUrlAsync(queueName)).QueueUrl;
        var attributes = await client.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = url,
            AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        });
        return (attributes.ApproximateNumberOfMessages, attributes.ApproximateNumberOfMessagesNotVisible);
    }
}
