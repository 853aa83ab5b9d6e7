using Amazon.DynamoDBv2;
using Xunit.Sdk;

namespace Plexus.Tests.Aws.DynamoDb;

/// <summary>
/// The DynamoDB Local emulator the tests run against, found the way the AWS SDK finds any endpoint: through
/// <c>AWS_ENDPOINT_URL_DYNAMODB</c>. A missing emulator fails the test with the way to start it.
/// </summary>
internal static class DynamoDbLocal
{
    private const string EndpointVariable = "AWS_ENDPOINT_URL_DYNAMODB";

    // One id per test run, so tables of an earlier run on a long-lived emulator never get in the way.
    private static readonly string RunId = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The emulator's endpoint; fails the test when it is not configured.</summary>
    public static string Endpoint
    {
        get
        {
            var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
            if (string.IsNullOrWhiteSpace(endpoint))
            {
                throw new XunitException(
                    $"{EndpointVariable} is not set, so there is no DynamoDB emulator to test against. Run `scripts/emulators.sh start` " +
                    "and `source artifacts/emulators/env` (or use scripts/test.sh, which does both) before running the DynamoDB tests.");
            }

            return endpoint;
        }
    }

    /// <summary>A table prefix no other test class or run uses.</summary>
    public static string TablePrefix(string owner)
    {
        _ = Endpoint;
        return $"plexus-test-{RunId}-{owner}-";
    }

    /// <summary>A client built from the SDK's default configuration, as the providers build theirs.</summary>
    public static IAmazonDynamoDB Client()
    {
        _ = Endpoint;
        return new AmazonDynamoDBClient();
    }
}
