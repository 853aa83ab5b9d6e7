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
    /// Takes up to <paramref name="maxCount"/> batches (any number when it is negative), oldest first, for the receiver
    /// <paramref name="receiver"/>, which becomes the partition's reader; when none is there, waits up to
    /// <paramref name="wait"/> for the next enqueue. A wait of an earlier reader ends empty: only the current reader is
    /// handed batches. Interleaves, so the enqueue it waits for can run.
    /// </summary>
    [Alias("Dequeue")]
    [AlwaysInterleave]
    Task<IReadOnlyList<LocalQueueBatch>> DequeueAsync(Guid receiver, int maxCount, TimeSpan wait);

    /// <summary>
    /// Ends the reading of <paramref name="receiver"/> (its pulling agent stops, say, when the partition moves to another
    /// silo): its waiting dequeue returns empty, so no batch goes to a receiver that is gone.
    /// </summary>
    [Alias("Release")]
    [AlwaysInterleave]
    Task ReleaseAsync(Guid receiver);
}
