using Orleans.Runtime;

namespace Plexus.Aws.Sqs.Options;

/// <summary>Fails silo or client start-up with a message naming the SQS stream setting that is wrong.</summary>
public sealed class SqsStreamOptionsValidator(SqsStreamOptions options, string name) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        if (options.ServiceUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            Fail(nameof(SqsStreamOptions.ServiceUrl), $"'{url}' is not an absolute URL such as http://127.0.0.1:4566");
        }

        if (options.Region is { } region && string.IsNullOrWhiteSpace(region))
        {
            Fail(nameof(SqsStreamOptions.Region), "it is blank; leave it unset to use the SDK's region chain");
        }

        if (!string.IsNullOrEmpty(options.AccessKey) != !string.IsNullOrEmpty(options.SecretKey))
        {
            Fail(nameof(SqsStreamOptions.SecretKey), $"{nameof(SqsStreamOptions.AccessKey)} and {nameof(SqsStreamOptions.SecretKey)} must be set together");
        }

        if (!string.IsNullOrEmpty(options.Token) && string.IsNullOrEmpty(options.AccessKey))
        {
            Fail(nameof(SqsStreamOptions.Token), $"a session token needs {nameof(SqsStreamOptions.AccessKey)} and {nameof(SqsStreamOptions.SecretKey)}");
        }

        if (!string.IsNullOrEmpty(options.ProfileName) && !string.IsNullOrEmpty(options.AccessKey))
        {
            Fail(nameof(SqsStreamOptions.ProfileName), $"set either a profile or {nameof(SqsStreamOptions.AccessKey)}, not both");
        }

        if (options.QueuePrefix is { } prefix && string.IsNullOrWhiteSpace(prefix))
        {
            Fail(nameof(SqsStreamOptions.QueuePrefix), "it is blank; leave it unset to use the cluster's service id");
        }

        if (options.PartitionCount is < 1 or > 1000)
        {
            Fail(nameof(SqsStreamOptions.PartitionCount), $"{options.PartitionCount} is outside 1 to 1000");
        }

        if (options.ReceiveBatchSize is < 1 or > SqsStreamOptions.MaxReceiveBatchSize)
        {
            Fail(nameof(SqsStreamOptions.ReceiveBatchSize), $"{options.ReceiveBatchSize} is outside 1 to {SqsStreamOptions.MaxReceiveBatchSize} (an SQS receive returns at most 10 messages)");
        }

        if (!IsWholeSeconds(options.ReceiveWaitTime) || options.ReceiveWaitTime < TimeSpan.Zero || options.ReceiveWaitTime > SqsStreamOptions.MaxReceiveWaitTime)
        {
            Fail(nameof(SqsStreamOptions.ReceiveWaitTime), $"{options.ReceiveWaitTime} is not a whole number of seconds from 0 to 20");
        }

        if (!IsWholeSeconds(options.VisibilityTimeout) || options.VisibilityTimeout < TimeSpan.FromSeconds(2) || options.VisibilityTimeout > SqsStreamOptions.MaxVisibilityTimeout)
        {
            Fail(nameof(SqsStreamOptions.VisibilityTimeout), $"{options.VisibilityTimeout} is not a whole number of seconds from 2 s to 12 h");
        }

        if (options.MaxReceiveCount is < 1 or > 1000)
        {
            Fail(nameof(SqsStreamOptions.MaxReceiveCount), $"{options.MaxReceiveCount} is outside 1 to 1000");
        }

        if (options.MaxMessageSize is < 1024 or > SqsStreamOptions.MaxMessageSizeLimit)
        {
            Fail(nameof(SqsStreamOptions.MaxMessageSize), $"{options.MaxMessageSize} bytes is outside 1,024 to 1,048,576 (SQS's limit is 1 MiB)");
        }
    }

    private static bool IsWholeSeconds(TimeSpan value) => value.Ticks % TimeSpan.TicksPerSecond == 0;

    private void Fail(string setting, string why) =>
        throw new OrleansConfigurationException($"SQS stream provider '{name}': {setting} is invalid: {why}.");
}
