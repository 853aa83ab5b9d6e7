using Orleans.Providers.Streams.Common;

namespace Plexus.Streams.Local;

/// <summary>
/// Holds one partition in memory. Its receiver keeps a dequeue waiting here, so an enqueue is handed on at once
/// instead of at the next poll, and an idle queue costs one call per wait instead of a poll every few milliseconds.
/// The receiver's calls keep the activation busy, so it is not collected while it holds batches.
/// </summary>
internal sealed class LocalQueueGrain : Grain, ILocalQueueGrain
{
    private readonly Queue<LocalQueueBatch> _batches = new();
    private TaskCompletionSource? _arrived;
    private long _sequence;

    // The receiver batches go to; a waiting dequeue of another one ends empty.
    private Guid? _reader;

    // Receivers whose agents stopped, the latest few: a dequeue of theirs still on its way gets nothing.
    private readonly Queue<Guid> _released = new();

    public Task EnqueueAsync(LocalQueueBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _batches.Enqueue(batch with { Token = new EventSequenceTokenV2(_sequence++) });
        WakeWaiters();
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(Guid receiver)
    {
        _released.Enqueue(receiver);
        if (_released.Count > 16)
        {
            _released.Dequeue();
        }

        if (_reader == receiver)
        {
            _reader = null;
            WakeWaiters();
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<LocalQueueBatch>> DequeueAsync(Guid receiver, int maxCount, TimeSpan wait)
    {
        if (_released.Contains(receiver))
        {
            return [];
        }

        if (_reader != receiver)
        {
            // A new reader: the partition moved to it, and the previous one's wait must not take what comes next.
            _reader = receiver;
            WakeWaiters();
        }

        if (_batches.Count == 0 && wait > TimeSpan.Zero)
        {
            _arrived ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await _arrived.Task.WaitAsync(wait);
            }
            catch (TimeoutException)
            {
            }

            if (_reader != receiver)
            {
                return [];
            }
        }

        var count = maxCount < 0 ? _batches.Count : Math.Min(maxCount, _batches.Count);
        var taken = new LocalQueueBatch[count];
        for (var i = 0; i < count; i++)
        {
            taken[i] = _batches.Dequeue();
        }

        return taken;
    }

    private void WakeWaiters()
    {
        _arrived?.TrySetResult();
        _arrived = null;
    }
}
