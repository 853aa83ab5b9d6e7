using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.SQS;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using Plexus.Aws.Sqs.Options;

namespace Plexus.Aws.Sqs.Streams;

/// <summary>
/// Sends stream events to the SQS queue of their stream's partition (one message per produced batch) and makes
/// the receivers that read the partitions.
/// </summary>
internal sealed class SqsQueueAdapter : IQueueAdapter
{
    private readonly SqsStreamOptions _options;
    private readonly IStreamQueueMapper _mapper;
    private readonly IAmazonSQS _client;
    private readonly Serializer<SqsBatchContainer> _serializer;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly string _prefix;
    private readonly SqsQueue _deadLetter;
    private readonly ConcurrentDictionary<QueueId, SqsQueue> _queues = new();
    private readonly ConcurrentDictionary<QueueId, SqsQueueReceiver> _receivers = new();

    public SqsQueueAdapter(
        string name, SqsStreamOptions options, string prefix, IStreamQueueMapper mapper, IAmazonSQS client,
        Serializer<SqsBatchContainer> serializer, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Name = name;
        _options = options;
        _prefix = prefix;
        _mapper = mapper;
        _client = client;
        _serializer = serializer;
        _time = time;
        _loggerFactory = loggerFactory;
        _deadLetter = new SqsQueue(client, options, SqsQueueNames.DeadLetter(prefix, name, options.FifoQueues), null, loggerFactory.CreateLogger<SqsQueue>());
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool IsRewindable => false;

    /// <inheritdoc />
    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>Gets the dead-letter queue shared by the partitions.</summary>
    internal SqsQueue DeadLetter => _deadLetter;

    /// <inheritdoc />
    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("SQS streams do not take sequence tokens from producers; pass null.", nameof(token));
        }

        var batch = new SqsBatchContainer(streamId, [.. events.Cast<object>()], requestContext);
        var body = Convert.ToBase64String(_serializer.SerializeToArray(batch));
        return Queue(_mapper.GetQueueForStream(streamId)).SendAsync(body, _options.FifoQueues ? GroupId(streamId) : null);
    }

    /// <inheritdoc />
    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var receiver = new SqsQueueReceiver(queueId, Queue(queueId), _options, _serializer, _time, _loggerFactory.CreateLogger<SqsQueueReceiver>());
        _receivers[queueId] = receiver;
        return receiver;
    }

    /// <summary>Gets the receiver last made for <paramref name="queueId"/>, if any.</summary>
    internal SqsQueueReceiver? Receiver(QueueId queueId) => _receivers.GetValueOrDefault(queueId);

    /// <summary>Gets the SQS queue of a partition.</summary>
    internal SqsQueue Queue(QueueId queueId) =>
        _queues.GetOrAdd(queueId, id => new SqsQueue(
            _client, _options, QueueName(id), _deadLetter, _loggerFactory.CreateLogger<SqsQueue>()));

    // With a queue per namespace the queue id carries the namespace (see SqsNamespaceQueueMapper).
    private string QueueName(QueueId id) => _options.QueuePerNamespace
        ? SqsQueueNames.NamespacePartition(_prefix, Name, id.GetStringNamePrefix(), (int)id.GetNumericId(), _options.FifoQueues)
        : SqsQueueNames.Partition(_prefix, Name, (int)id.GetNumericId(), _options.FifoQueues);

    // A FIFO message group per stream keeps each stream in order; the hash fits SQS's 128-character group ids
    // whatever the stream key holds.
    private static string GroupId(StreamId streamId) =>
        Convert.ToHexStringLower(SHA256.HashData(streamId.FullKey.Span));
}
