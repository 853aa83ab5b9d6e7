namespace Plexus.Streams.Local;

/// <summary>Settings of a local queue stream provider.</summary>
public sealed class LocalQueueOptions
{
    /// <summary>Gets or sets how many partitions (queue grains) carry the provider's streams. Default is 1.</summary>
    public int QueueCount { get; set; } = 1;

    /// <summary>
    /// Gets or sets how long a receiver's dequeue waits on an empty partition before it returns empty and the pulling
    /// agent calls again. Default is 10 seconds: an idle partition costs one call per 10 s. An enqueue ends the wait at
    /// once, and so does a receiver's shutdown, so the length only bounds how often an idle partition is asked; it must
    /// stay under the grain call timeout (30 s by default).
    /// </summary>
    public TimeSpan ReceiveWaitTime { get; set; } = TimeSpan.FromSeconds(10);
}
