using System.Collections.Concurrent;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;
using Plexus.Aws.Sqs.Options;
using Polly;
using Polly.Retry;

namespace Plexus.Aws.Sqs.Streams;

/// <summary>
/// Reads one partition's queue for the Orleans pulling agent. A received message is held (kept invisible) until
/// the agent reports it delivered and SQS has deleted it:
/// <list type="bullet">
/// <item>a timer extends the visibility of every held message, so a slow consumer never causes a second delivery;</item>
/// <item>deletes that fail are retried at once with backoff, then on every timer tick, while the message stays hidden;</item>
/// <item>a message that cannot be read is moved to the dead-letter queue and does not hold up the rest;</item>
/// <item>a message whose delivery failed is let go, so SQS offers it again and, after the receive limit, moves it to the dead-letter queue;</item>
/// <item>on shutdown the messages not yet delivered are made visible at once for the partition's next owner.</item>
/// </list>
/// </summary>
internal sealed partial class SqsQueueReceiver : IQueueAdapterReceiver
{
    // SQS never keeps a message hidden for longer than 12 h after it was received: stop holding before that.
    private static readonly TimeSpan HoldLimit = TimeSpan.FromHours(12) - TimeSpan.FromMinutes(1);
    private static readonly HashSet<string> GoneCodes = new(StringComparer.Ordinal) { "ReceiptHandleIsInvalid", "MessageNotInflight", "InvalidParameterValue" };

    private readonly SqsQueue _queue;
    private readonly SqsStreamOptions _options;
    private readonly Serializer<SqsBatchContainer> _serializer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, HeldMessage> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, string> _bySequence = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ResiliencePipeline _deleteRetry;
    private long _sequence;
    private Task? _keeper;

    public SqsQueueReceiver(
        QueueId queueId, SqsQueue queue, SqsStreamOptions options, Serializer<SqsBatchContainer> serializer, TimeProvider time, ILogger logger)
    {
        Id = queueId;
        _queue = queue;
        _options = options;
        _serializer = serializer;
        _time = time;
        _logger = logger;
        _deleteRetry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
            })
            .Build();
    }

    /// <summary>Gets the partition this receiver reads.</summary>
    public QueueId Id { get; }

    /// <summary>Gets how many received messages are held (not yet deleted); for tests and diagnostics.</summary>
    public int HeldCount => _held.Count;

    /// <inheritdoc />
    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    /// <inheritdoc />
    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _keeper ??= Task.Run(() => KeepHeldMessagesAsync(_stopping.Token), CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _queue.GetUrlAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The agent starts reading anyway; every read tries to find or create the queue again.
            LogInitializeFailed(ex, _queue.Name);
        }
    }

    /// <inheritdoc />
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    /// <inheritdoc />
    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return [];
        }

        _keeper ??= Task.Run(() => KeepHeldMessagesAsync(_stopping.Token), CancellationToken.None);
        var count = maxCount <= 0 ? _options.ReceiveBatchSize : Math.Min(maxCount, _options.ReceiveBatchSize);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        List<Message> messages;
        try
        {
            messages = await _queue.ReceiveAsync(count, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            return [];
        }

        var batches = new List<IBatchContainer>(messages.Count);
        var now = _time.GetUtcNow();
        foreach (var message in messages)
        {
            if (!TryRead(message, out var batch, out var problem))
            {
                await DeadLetterAsync(message, problem).ConfigureAwait(false);
                continue;
            }

            var sequence = Interlocked.Increment(ref _sequence);
            batch.Token = new EventSequenceTokenV2(sequence);
            batch.MessageId = message.MessageId;
            _held[message.MessageId] = new HeldMessage(message.MessageId, message.ReceiptHandle, sequence, now);
            _bySequence[sequence] = message.MessageId;
            if (ReceiveCount(message) > 1)
            {
                LogRedelivered(_queue.Name, message.MessageId, ReceiveCount(message));
            }

            batches.Add(batch);
        }

        return batches;
    }

    /// <inheritdoc />
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    /// <inheritdoc />
    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        var delivered = new List<HeldMessage>(messages.Count);
        foreach (var batch in messages.OfType<SqsBatchContainer>())
        {
            if (batch.MessageId is { } id && _held.TryGetValue(id, out var held) && held.Sequence == batch.Token?.SequenceNumber)
            {
                held.Delivered = true;
                delivered.Add(held);
            }
        }

        if (delivered.Count == 0)
        {
            return;
        }

        try
        {
            await _deleteRetry.ExecuteAsync(async token => await DeleteAsync(delivered, throwOnFailure: true, token).ConfigureAwait(false), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Still held and hidden: the timer tries the delete again.
            LogDeleteFailed(ex, _queue.Name, delivered.Count(m => _held.ContainsKey(m.MessageId)));
        }
    }

    /// <inheritdoc />
    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    /// <inheritdoc />
    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_keeper is not null)
        {
            await _keeper.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            var delivered = _held.Values.Where(m => m.Delivered).ToList();
            await DeleteAsync(delivered, throwOnFailure: false, limit.Token).ConfigureAwait(false);

            // Whoever reads this partition next gets the undelivered messages now rather than after the timeout.
            var undelivered = _held.Values.Where(m => !m.Delivered).ToList();
            if (undelivered.Count > 0)
            {
                await _queue.ChangeVisibilityAsync([.. undelivered.Select(m => m.ReceiptHandle)], TimeSpan.Zero, limit.Token).ConfigureAwait(false);
                LogReleased(_queue.Name, undelivered.Count);
            }
        }
        catch (Exception ex)
        {
            LogShutdownFailed(ex, _queue.Name);
        }
        finally
        {
            _held.Clear();
            _bySequence.Clear();
        }
    }

    /// <summary>
    /// Stops holding the message that carried <paramref name="token"/> after its delivery failed: SQS offers it
    /// again once its visibility lapses and moves it to the dead-letter queue after the receive limit.
    /// </summary>
    public void ReleaseFailed(StreamSequenceToken? token)
    {
        if (token is EventSequenceToken or EventSequenceTokenV2
            && _bySequence.TryGetValue(token.SequenceNumber, out var id)
            && _held.TryGetValue(id, out var held)
            && held.Sequence == token.SequenceNumber)
        {
            Forget(held);
            LogReleasedAfterFailure(_queue.Name, id);
        }
    }

    private bool TryRead(Message message, out SqsBatchContainer batch, out string problem)
    {
        batch = null!;
        try
        {
            batch = _serializer.Deserialize(Convert.FromBase64String(message.Body ?? "")) ?? throw new InvalidDataException("The body holds no batch.");
            problem = "";
            return true;
        }
        catch (Exception ex)
        {
            problem = $"the body is not an Orleans-serialized stream batch in base64: {ex.GetType().Name}: {ex.Message}";
            return false;
        }
    }

    private async Task DeadLetterAsync(Message message, string problem)
    {
        try
        {
            await _queue.MoveToDeadLetterAsync(message, problem, _stopping.Token).ConfigureAwait(false);
            LogDeadLettered(_queue.Name, message.MessageId, problem);
        }
        catch (Exception ex)
        {
            // Not held, so SQS offers it again after the timeout and its redrive policy takes it to the dead-letter queue.
            LogDeadLetterFailed(ex, _queue.Name, message.MessageId, problem);
        }
    }

    private async Task DeleteAsync(IReadOnlyList<HeldMessage> messages, bool throwOnFailure, CancellationToken cancellationToken)
    {
        var pending = messages.Where(m => _held.ContainsKey(m.MessageId)).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        var failed = await _queue.DeleteAsync([.. pending.Select(m => m.ReceiptHandle)], cancellationToken).ConfigureAwait(false);
        var failedHandles = failed.Where(f => !GoneCodes.Contains(f.Code)).Select(f => f.ReceiptHandle).ToHashSet(StringComparer.Ordinal);
        foreach (var message in pending.Where(m => !failedHandles.Contains(m.ReceiptHandle)))
        {
            Forget(message);
        }

        if (failedHandles.Count > 0 && throwOnFailure)
        {
            throw new SqsStreamException($"SQS queue {_queue.Name}: {failedHandles.Count} deletes failed ({string.Join(", ", failed.Select(f => f.Code).Distinct())}).");
        }
    }

    private async Task KeepHeldMessagesAsync(CancellationToken cancellationToken)
    {
        var period = _options.VisibilityTimeout / 3;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, _time, cancellationToken).ConfigureAwait(false);
                await KeepOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogKeepFailed(ex, _queue.Name);
            }
        }
    }

    private async Task KeepOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var expired in _held.Values.Where(m => now - m.ReceivedAt > HoldLimit).ToList())
        {
            Forget(expired);
            LogHoldLimitReached(_queue.Name, expired.MessageId);
        }

        var delivered = _held.Values.Where(m => m.Delivered).ToList();
        if (delivered.Count > 0)
        {
            await DeleteAsync(delivered, throwOnFailure: false, cancellationToken).ConfigureAwait(false);
        }

        // Delivered messages whose delete failed are hidden too, so a failing delete does not become a second delivery.
        var held = _held.Values.ToList();
        if (held.Count == 0)
        {
            return;
        }

        var refused = await _queue.ChangeVisibilityAsync([.. held.Select(m => m.ReceiptHandle)], _options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        var gone = refused.Where(f => GoneCodes.Contains(f.Code)).Select(f => f.ReceiptHandle).ToHashSet(StringComparer.Ordinal);
        foreach (var message in held.Where(m => gone.Contains(m.ReceiptHandle)))
        {
            Forget(message);
        }

        if (refused.Count > gone.Count)
        {
            LogExtendRefused(_queue.Name, refused.Count - gone.Count, string.Join(", ", refused.Select(f => f.Code).Distinct()));
        }

        LogExtended(_queue.Name, held.Count - refused.Count);
    }

    private void Forget(HeldMessage message)
    {
        if (_held.TryGetValue(message.MessageId, out var current) && ReferenceEquals(current, message))
        {
            _held.TryRemove(new KeyValuePair<string, HeldMessage>(message.MessageId, message));
        }

        _bySequence.TryRemove(new KeyValuePair<long, string>(message.Sequence, message.MessageId));
    }

    private static int ReceiveCount(Message message) =>
        message.Attributes?.TryGetValue("ApproximateReceiveCount", out var value) == true && int.TryParse(value, out var count) ? count : 1;

    private sealed class HeldMessage(string messageId, string receiptHandle, long sequence, DateTimeOffset receivedAt)
    {
        public string MessageId { get; } = messageId;

        public string ReceiptHandle { get; } = receiptHandle;

        public long Sequence { get; } = sequence;

        public DateTimeOffset ReceivedAt { get; } = receivedAt;

        public volatile bool Delivered;
    }
}
