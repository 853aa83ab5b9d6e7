using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Plexus.Aws.Sqs.Options;

namespace Plexus.Aws.Sqs.Streams;

/// <summary>
/// One SQS queue of a stream provider (a partition, or the dead-letter queue): finds or creates it, and sends,
/// receives, deletes and hides its messages. Sends from concurrent producers are gathered into batch requests of
/// up to 10 messages, in the order they were made.
/// </summary>
internal sealed partial class SqsQueue
{
    /// <summary>The message attribute that says why a message was moved to the dead-letter queue.</summary>
    public const string DeadLetterReasonAttribute = "plexus-dead-letter-reason";

    /// <summary>The message attribute that names the queue a dead-lettered message came from.</summary>
    public const string DeadLetterSourceAttribute = "plexus-dead-letter-source";

    private const int MaxBatch = 10;
    private static readonly List<string> ReceiveAttributes = ["ApproximateReceiveCount", "SentTimestamp"];

    private readonly IAmazonSQS _client;
    private readonly SqsStreamOptions _options;
    private readonly SqsQueue? _deadLetter;
    private readonly ILogger _logger;
    private readonly Channel<PendingSend> _sends = Channel.CreateUnbounded<PendingSend>(new() { SingleReader = true });
    private readonly Lock _lock = new();
    private Task<string>? _url;
    private Task? _sendLoop;

    public SqsQueue(IAmazonSQS client, SqsStreamOptions options, string name, SqsQueue? deadLetter, ILogger logger)
    {
        _client = client;
        _options = options;
        Name = name;
        _deadLetter = deadLetter;
        _logger = logger;
    }

    /// <summary>Gets the queue's name.</summary>
    public string Name { get; }

    /// <summary>Asks SQS for one attribute of the queue: it throws when SQS cannot be reached or refuses the call.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var url = await GetUrlAsync(cancellationToken).ConfigureAwait(false);
        await _client.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages"], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets the queue's URL, finding or creating the queue on first use; a failed attempt is tried again next time.</summary>
    public Task<string> GetUrlAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_url is null || _url.IsFaulted || _url.IsCanceled)
            {
                _url = ResolveAsync(cancellationToken);
            }

            return _url;
        }
    }

    /// <summary>Sends one message body; completes when SQS has accepted it.</summary>
    public Task SendAsync(string body, string? groupId)
    {
        var pending = new PendingSend(body, groupId, Encoding.UTF8.GetByteCount(body));
        if (pending.Size > _options.MaxMessageSize)
        {
            return Task.FromException(new SqsStreamException(
                $"SQS queue {Name}: a message of {pending.Size:N0} bytes is larger than {nameof(SqsStreamOptions.MaxMessageSize)} " +
                $"({_options.MaxMessageSize:N0} bytes, SQS allows at most 1 MiB); send smaller events or fewer per batch."));
        }

        _sends.Writer.TryWrite(pending);
        lock (_lock)
        {
            _sendLoop ??= Task.Run(SendLoopAsync);
        }

        return pending.Done.Task;
    }

    /// <summary>Receives up to <paramref name="count"/> messages, waiting up to the long-poll time for the first.</summary>
    public async Task<List<Message>> ReceiveAsync(int count, CancellationToken cancellationToken)
    {
        var url = await GetUrlAsync(cancellationToken).ConfigureAwait(false);
        var response = await _client.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = url,
            MaxNumberOfMessages = count,
            WaitTimeSeconds = (int)_options.ReceiveWaitTime.TotalSeconds,
            VisibilityTimeout = (int)_options.VisibilityTimeout.TotalSeconds,
            MessageSystemAttributeNames = ReceiveAttributes,
            MessageAttributeNames = ["All"],
        }, cancellationToken).ConfigureAwait(false);
        return response.Messages ?? [];
    }

    /// <summary>Deletes messages by receipt handle; returns the handles SQS did not delete, with its reason.</summary>
    public async Task<IReadOnlyList<(string ReceiptHandle, string Code)>> DeleteAsync(IReadOnlyList<string> receiptHandles, CancellationToken cancellationToken)
    {
        var url = await GetUrlAsync(cancellationToken).ConfigureAwait(false);
        var failed = new List<(string, string)>();
        foreach (var chunk in receiptHandles.Chunk(MaxBatch))
        {
            var response = await _client.DeleteMessageBatchAsync(new DeleteMessageBatchRequest
            {
                QueueUrl = url,
                Entries = [.. chunk.Select((handle, i) => new DeleteMessageBatchRequestEntry(Id(i), handle))],
            }, cancellationToken).ConfigureAwait(false);
            failed.AddRange((response.Failed ?? []).Select(f => (chunk[int.Parse(f.Id, CultureInfo.InvariantCulture)], f.Code ?? "")));
        }

        return failed;
    }

    /// <summary>Hides messages for <paramref name="timeout"/> from now; returns the handles SQS refused, with its reason.</summary>
    public async Task<IReadOnlyList<(string ReceiptHandle, string Code)>> ChangeVisibilityAsync(
        IReadOnlyList<string> receiptHandles, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var url = await GetUrlAsync(cancellationToken).ConfigureAwait(false);
        var failed = new List<(string, string)>();
        foreach (var chunk in receiptHandles.Chunk(MaxBatch))
        {
            var response = await _client.ChangeMessageVisibilityBatchAsync(new ChangeMessageVisibilityBatchRequest
            {
                QueueUrl = url,
                Entries = [.. chunk.Select((handle, i) => new ChangeMessageVisibilityBatchRequestEntry(Id(i), handle) { VisibilityTimeout = (int)timeout.TotalSeconds })],
            }, cancellationToken).ConfigureAwait(false);
            failed.AddRange((response.Failed ?? []).Select(f => (chunk[int.Parse(f.Id, CultureInfo.InvariantCulture)], f.Code ?? "")));
        }

        return failed;
    }

    /// <summary>Copies <paramref name="message"/> to the dead-letter queue with the reason, then deletes it here.</summary>
    public async Task MoveToDeadLetterAsync(Message message, string reason, CancellationToken cancellationToken)
    {
        if (_deadLetter is null)
        {
            throw new InvalidOperationException($"SQS queue {Name} has no dead-letter queue.");
        }

        var deadLetterUrl = await _deadLetter.GetUrlAsync(cancellationToken).ConfigureAwait(false);
        var request = new SendMessageRequest
        {
            QueueUrl = deadLetterUrl,
            MessageBody = message.Body is { Length: > 0 } body ? body : "(empty)",
            MessageAttributes = new()
            {
                [DeadLetterReasonAttribute] = new() { DataType = "String", StringValue = Truncate(reason, 1024) },
                [DeadLetterSourceAttribute] = new() { DataType = "String", StringValue = Name },
            },
        };
        if (_options.FifoQueues)
        {
            request.MessageGroupId = "dead-letter";
            request.MessageDeduplicationId = message.MessageId;
        }

        await _client.SendMessageAsync(request, cancellationToken).ConfigureAwait(false);
        await DeleteAsync([message.ReceiptHandle], cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> ResolveAsync(CancellationToken cancellationToken)
    {
        if (!_options.CreateIfNotExists)
        {
            try
            {
                return (await _client.GetQueueUrlAsync(Name, cancellationToken).ConfigureAwait(false)).QueueUrl;
            }
            catch (QueueDoesNotExistException ex)
            {
                throw new SqsStreamException(
                    $"SQS queue {Name} does not exist and {nameof(SqsStreamOptions.CreateIfNotExists)} is off: create it or turn the setting on.", ex);
            }
        }

        var attributes = new Dictionary<string, string>
        {
            ["VisibilityTimeout"] = Seconds(_options.VisibilityTimeout),
            ["MaximumMessageSize"] = _options.MaxMessageSize.ToString(CultureInfo.InvariantCulture),
            ["MessageRetentionPeriod"] = Seconds(TimeSpan.FromDays(_deadLetter is null ? 14 : 4)),
        };
        if (_deadLetter is not null)
        {
            var deadLetterUrl = await _deadLetter.GetUrlAsync(cancellationToken).ConfigureAwait(false);
            var arn = (await _client.GetQueueAttributesAsync(deadLetterUrl, ["QueueArn"], cancellationToken).ConfigureAwait(false)).QueueARN;
            attributes["RedrivePolicy"] =
                $$"""{"deadLetterTargetArn":"{{arn}}","maxReceiveCount":"{{_options.MaxReceiveCount.ToString(CultureInfo.InvariantCulture)}}"}""";
        }

        var creation = new Dictionary<string, string>(attributes);
        if (_options.FifoQueues)
        {
            creation["FifoQueue"] = "true";
        }

        try
        {
            // Creating a queue that exists with the same attributes returns it, so silos racing here all succeed.
            var url = (await _client.CreateQueueAsync(new CreateQueueRequest { QueueName = Name, Attributes = creation }, cancellationToken).ConfigureAwait(false)).QueueUrl;
            LogQueueReady(Name, url);
            return url;
        }
        catch (QueueNameExistsException)
        {
            // It exists with other attributes (settings changed since it was made): bring them up to date.
            var url = (await _client.GetQueueUrlAsync(Name, cancellationToken).ConfigureAwait(false)).QueueUrl;
            await _client.SetQueueAttributesAsync(url, attributes, cancellationToken).ConfigureAwait(false);
            LogQueueUpdated(Name, url);
            return url;
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _sends.Reader;
        var batch = new List<PendingSend>(MaxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var size = 0;
            while (batch.Count < MaxBatch && reader.TryPeek(out var next) && (batch.Count == 0 || size + next.Size <= _options.MaxMessageSize))
            {
                reader.TryRead(out _);
                batch.Add(next);
                size += next.Size;
            }

            await SendBatchAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task SendBatchAsync(List<PendingSend> batch)
    {
        try
        {
            var url = await GetUrlAsync(CancellationToken.None).ConfigureAwait(false);
            var response = await _client.SendMessageBatchAsync(new SendMessageBatchRequest
            {
                QueueUrl = url,
                Entries = [.. batch.Select((send, i) => new SendMessageBatchRequestEntry(Id(i), send.Body)
                {
                    MessageGroupId = send.GroupId,
                    MessageDeduplicationId = send.GroupId is null ? null : Guid.NewGuid().ToString("N"),
                })],
            }).ConfigureAwait(false);
            foreach (var failure in response.Failed ?? [])
            {
                batch[int.Parse(failure.Id, CultureInfo.InvariantCulture)].Done.TrySetException(
                    new SqsStreamException($"SQS queue {Name} refused a message: {failure.Code}: {failure.Message}"));
            }

            foreach (var send in batch)
            {
                send.Done.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            var error = ex as SqsStreamException ?? new SqsStreamException($"Sending to SQS queue {Name} failed: {ex.Message}", ex);
            foreach (var send in batch)
            {
                send.Done.TrySetException(error);
            }
        }
    }

    private static string Id(int index) => index.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    private sealed record PendingSend(string Body, string? GroupId, int Size)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
