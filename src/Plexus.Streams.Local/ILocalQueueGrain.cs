using Orleans.Concurrency;

namespace Plexus.Streams.Local;

/// <summary>One partition of a local queue stream provider: batches in the order they were enqueued.</summary>
[Alias("plexus.streams.local.ILocalQueueGrain")]
public interface ILocalQueueGrain : IGrainWithStringKey
{
    /// <summary>Appends <paramref name="batch"/> and wakes a receiver waiting in <see cref="DequeueAsync"/>.</summary>
    [Alias("Enqueue")]
    Task EnqueueAsync(LocalQueueBatch batch);

    /// <summary>
    /// Takes up to <paramref name="maxCount"/> batches (any number when it is negative), oldest first; when none is
    /// there, waits up to <paramref name="wait"/> for the next enqueue. Interleaves, so the enqueue it waits for can run.
    /// </summary>
    [Alias("Dequeue")]
    [AlwaysInterleave]
    Task<IReadOnlyList<LocalQueueBatch>> DequeueAsync(int maxCount, TimeSpan wait);
}
