namespace Plexus.Aws.Sqs.Options;

/// <summary>
/// Settings of an Orleans persistent stream provider on Amazon SQS: where the queues live, how they are named,
/// and how messages are received, held and dead-lettered; the connection settings (region, <c>ServiceUrl</c>, keys,
/// profile) are those every AWS provider shares (<see cref="AwsConnectionOptions"/>). Whatever is left unset comes
/// from the AWS SDK's own configuration chain (<c>AWS_REGION</c>, <c>AWS_ENDPOINT_URL_SQS</c>, profiles, instance
/// and task roles).
/// </summary>
public sealed class SqsStreamOptions : AwsConnectionOptions
{
    /// <summary>The largest message body SQS accepts (1 MiB).</summary>
    public const int MaxMessageSizeLimit = 1024 * 1024;

    /// <summary>The most messages one SQS receive returns.</summary>
    public const int MaxReceiveBatchSize = 10;

    /// <summary>The longest SQS long poll (20 s).</summary>
    public static readonly TimeSpan MaxReceiveWaitTime = TimeSpan.FromSeconds(20);

    /// <summary>The longest SQS visibility timeout (12 h).</summary>
    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromHours(12);

    /// <summary>
    /// Gets or sets the start of every queue name, which keeps deployments sharing an account and region apart.
    /// Default is unset: the cluster's service id is used.
    /// </summary>
    public string? QueuePrefix { get; set; }

    /// <summary>
    /// Gets or sets how many queues (partitions) the streams are spread over; with <see cref="QueuePerNamespace"/>, how
    /// many each namespace has. Default is 8.
    /// </summary>
    public int PartitionCount { get; set; } = 8;

    /// <summary>
    /// Gets or sets whether every stream namespace has queues of its own (<c>{prefix}-{provider}-{namespace}-{partition}</c>)
    /// instead of all streams sharing the partitions, so a silo reads only the namespaces it is given
    /// (<see cref="Streams.ISqsStreamNamespaces"/>, keyed by the provider's name) and nothing else reaches it. Queues are
    /// created when first written or read. Default is <see langword="false"/>; set by
    /// <c>SiloSqsStreamConfigurator.UseQueuePerNamespace</c>.
    /// </summary>
    public bool QueuePerNamespace { get; set; }

    /// <summary>
    /// Gets or sets whether the queues are FIFO queues, which keep the events of each stream in order even across
    /// redelivery (each stream is one message group). Default is <see langword="false"/>: standard queues.
    /// </summary>
    public bool FifoQueues { get; set; }

    /// <summary>Gets or sets how many messages one receive asks for, 1 to 10. Default is 10.</summary>
    public int ReceiveBatchSize { get; set; } = MaxReceiveBatchSize;

    /// <summary>
    /// Gets or sets how long a receive waits for messages on an empty queue (long polling), in whole seconds up
    /// to 20. The pulling agent waits for this receive before it stops, so it also bounds how long a silo's
    /// shutdown waits on a quiet queue. Default is 2 seconds.
    /// </summary>
    public TimeSpan ReceiveWaitTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how long a received message stays hidden from other receivers, in whole seconds from 2 s to
    /// 12 h. The receiver keeps extending it while the message is being delivered, so a slow consumer does not
    /// cause a second delivery; it only matters when a silo dies holding messages. Default is 30 seconds.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many times a message may be received before SQS moves it to the dead-letter queue, 1 to
    /// 1000. Default is 5.
    /// </summary>
    public int MaxReceiveCount { get; set; } = 5;

    /// <summary>
    /// Gets or sets the largest message the provider sends, in bytes, up to 1 MiB; also set as the queues'
    /// maximum message size when they are created. Default is 262,144 (256 KiB).
    /// </summary>
    public int MaxMessageSize { get; set; } = 256 * 1024;

    /// <summary>
    /// Gets or sets whether missing queues (and the dead-letter queue with its redrive policy) are created at
    /// start. Default is <see langword="true"/>.
    /// </summary>
    public bool CreateIfNotExists { get; set; } = true;
}
