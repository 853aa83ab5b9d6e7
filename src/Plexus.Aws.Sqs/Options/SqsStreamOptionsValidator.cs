namespace Plexus.Aws.Sqs.Options;

/// <summary>Fails silo or client start-up with every problem of an SQS stream provider's settings at once.</summary>
/// <param name="options">The provider's options.</param>
/// <param name="name">The stream provider's name.</param>
public sealed class SqsStreamOptionsValidator(SqsStreamOptions options, string name)
    : AwsOptionsValidator<SqsStreamOptions>(options, $"SQS stream provider '{name}'")
{
    /// <inheritdoc />
    protected override void AddProblems(SqsStreamOptions options, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(problems);
        if (options.QueuePrefix is { } prefix && string.IsNullOrWhiteSpace(prefix))
        {
            problems.Add($"{nameof(SqsStreamOptions.QueuePrefix)} is blank: set a prefix, or leave it unset to use the cluster's service id.");
        }

        if (options.PartitionCount is < 1 or > 1000)
        {
            problems.Add($"{nameof(SqsStreamOptions.PartitionCount)} must be from 1 to 1000; it is {options.PartitionCount}.");
        }

        if (options.ReceiveBatchSize is < 1 or > SqsStreamOptions.MaxReceiveBatchSize)
        {
            problems.Add($"{nameof(SqsStreamOptions.ReceiveBatchSize)} must be from 1 to {SqsStreamOptions.MaxReceiveBatchSize} (an SQS receive returns at most 10 messages); it is {options.ReceiveBatchSize}.");
        }

        if (!IsWholeSeconds(options.ReceiveWaitTime) || options.ReceiveWaitTime < TimeSpan.Zero || options.ReceiveWaitTime > SqsStreamOptions.MaxReceiveWaitTime)
        {
            problems.Add($"{nameof(SqsStreamOptions.ReceiveWaitTime)} must be a whole number of seconds from 0 to 20 (SQS's long poll); it is {options.ReceiveWaitTime}.");
        }

        if (!IsWholeSeconds(options.VisibilityTimeout) || options.VisibilityTimeout < TimeSpan.FromSeconds(2) || options.VisibilityTimeout > SqsStreamOptions.MaxVisibilityTimeout)
        {
            problems.Add($"{nameof(SqsStreamOptions.VisibilityTimeout)} must be a whole number of seconds from 2 s to 12 h; it is {options.VisibilityTimeout}.");
        }

        if (options.MaxReceiveCount is < 1 or > 1000)
        {
            problems.Add($"{nameof(SqsStreamOptions.MaxReceiveCount)} must be from 1 to 1000; it is {options.MaxReceiveCount}.");
        }

        if (options.MaxMessageSize is < 1024 or > SqsStreamOptions.MaxMessageSizeLimit)
        {
            problems.Add($"{nameof(SqsStreamOptions.MaxMessageSize)} must be from 1,024 to 1,048,576 bytes (SQS's limit is 1 MiB); it is {options.MaxMessageSize}.");
        }
    }

    private static bool IsWholeSeconds(TimeSpan value) => value.Ticks % TimeSpan.TicksPerSecond == 0;
}
