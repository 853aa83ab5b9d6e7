using Orleans.Concurrency;
using Plexus.Security;

namespace Plexus.Feed;

/// <summary>
/// The cluster's live feed of action changes, for live tables (a dashboard): every change of every action is pushed to
/// each subscribed <see cref="IActionFeedObserver"/>, a few times a second in batches. One grain, key 0.
/// </summary>
[Alias("plexus.IActionFeedGrain")]
public interface IActionFeedGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Subscribes <paramref name="observer"/> and returns how long the subscription lasts: it expires unless renewed
    /// within that time by calling this again.
    /// </summary>
    [Alias("Subscribe"), RequiresRole(Role.Viewer)]
    Task<TimeSpan> SubscribeAsync(IActionFeedObserver observer);

    /// <summary>Ends the subscription of <paramref name="observer"/>.</summary>
    [Alias("Unsubscribe"), RequiresRole(Role.Viewer)]
    Task UnsubscribeAsync(IActionFeedObserver observer);
}

/// <summary>What the silos send the feed: the changes of their actions. Silo code only.</summary>
[Alias("plexus.IActionFeedPublisherGrain"), SiloOnly]
public interface IActionFeedPublisherGrain : IGrainWithIntegerKey
{
    /// <summary>Passes <paramref name="changes"/> (the latest of each action since the last batch) on to every subscriber.</summary>
    [Alias("Publish"), OneWay]
    Task PublishAsync(IReadOnlyList<ActionChange> changes);
}

/// <summary>Receives the feed's batches of action changes. Subscriptions expire unless renewed.</summary>
[Alias("plexus.IActionFeedObserver")]
public interface IActionFeedObserver : IGrainObserver
{
    /// <summary>Actions changed; each appears once, as it is now, and a batch may repeat a version already seen.</summary>
    [Alias("OnChanges")]
    void OnChanges(IReadOnlyList<ActionChange> changes);
}
