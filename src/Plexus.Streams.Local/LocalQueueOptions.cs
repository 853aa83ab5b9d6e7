namespace Plexus.Streams.Local;

/// <summary>Settings of a local queue stream provider.</summary>
public sealed class LocalQueueOptions
{
    /// <summary>Gets or sets how many partitions (queue grains) carry the provider's streams. Default is 1.</summary>
    public int QueueCount { get; set; } = 1;

    /// <summary>
    /// Gets or sets how long a receiver's dequeue waits on an empty partition before it returns empty and the pulling
    /// agent calls again. Default is 1 second: an idle partition costs one call a second.
    /// </summary>
    public TimeSpan ReceiveWaitTime { get; set; } = TimeSpan.FromSeconds(1);
}
