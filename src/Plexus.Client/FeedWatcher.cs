using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Plexus.Feed;

namespace Plexus.Client;

/// <summary>
/// Follows the cluster's live feed of action changes: subscribes an observer to the feed grain and renews the
/// subscription at a third of the lifetime the grain grants, re-subscribing the same way after a lost silo.
/// </summary>
internal sealed class FeedWatcher(IGrainFactory grains, CallerIdentity identity)
{
    // A reader that falls this far behind (a stalled browser connection) loses the oldest batches, not the silo's memory.
    private const int MaxPendingBatches = 1000;

    // How many actions' last versions are remembered to drop overtaken changes; past it the memory starts afresh.
    private const int MaxTrackedActions = 100_000;

    public async IAsyncEnumerable<IReadOnlyList<ActionChange>> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batches = Channel.CreateBounded<IReadOnlyList<ActionChange>>(
            new BoundedChannelOptions(MaxPendingBatches) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
        var observer = new Observer(batches.Writer);
        var reference = grains.CreateObjectReference<IActionFeedObserver>(observer);
        var feed = grains.GetGrain<IActionFeedGrain>(0);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // The first batch, empty, comes once the subscription stands: every change after it reaches the caller, and a
        // caller that may not read the feed hears so before it.
        var renewals = Task.CompletedTask;
        try
        {
            var lifetime = await ActionClient.Call(identity, () => feed.SubscribeAsync(reference), cancellationToken).ConfigureAwait(false);
            renewals = RenewAsync(feed, reference, lifetime, batches.Writer, stop.Token);
            yield return [];
            var latest = new Dictionary<Guid, long>();
            await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // Pushes to a client's observer may overtake each other: an action's change older than one passed on is dropped.
                if (latest.Count > MaxTrackedActions)
                {
                    latest.Clear();
                }

                var newer = batch.Where(change => !latest.TryGetValue(change.Id, out var seen) || change.Version > seen).ToList();
                foreach (var change in newer)
                {
                    latest[change.Id] = change.Version;
                }

                if (newer.Count > 0)
                {
                    yield return newer;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await renewals.ConfigureAwait(false);
            try
            {
                identity.Stamp();
                await feed.UnsubscribeAsync(reference).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The subscription expires by itself; a failed goodbye changes nothing.
            }

            grains.DeleteObjectReference<IActionFeedObserver>(reference);

            // Orleans holds a local observer only weakly (see ActionWatcher).
            GC.KeepAlive(observer);
        }
    }

    private async Task RenewAsync(IActionFeedGrain feed, IActionFeedObserver reference, TimeSpan lifetime, ChannelWriter<IReadOnlyList<ActionChange>> batches, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(lifetime / 3, stop).ConfigureAwait(false);
                lifetime = await ActionClient.Call(identity, () => feed.SubscribeAsync(reference), stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            batches.TryComplete(ex);
        }
    }

    private sealed class Observer(ChannelWriter<IReadOnlyList<ActionChange>> batches) : IActionFeedObserver
    {
        public void OnChanges(IReadOnlyList<ActionChange> changes) => batches.TryWrite(changes);
    }
}
