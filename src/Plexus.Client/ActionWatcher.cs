using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Plexus.Actions;

namespace Plexus.Client;

/// <summary>
/// Follows one action live: subscribes an observer to its grain, renews the subscription at a third of the
/// lifetime the grain grants (re-subscribing after a reconnect the same way, so a renewal may fail twice
/// without a gap), and ends once the action is final.
/// </summary>
internal sealed class ActionWatcher(IGrainFactory grains, Guid id, CallerIdentity identity)
{
    private static readonly TimeSpan LateOutputWindow = TimeSpan.FromMilliseconds(300);

    public async IAsyncEnumerable<ActionEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<ActionEvent>(new UnboundedChannelOptions { SingleReader = true });
        var observer = new Observer(events.Writer);
        var reference = grains.CreateObjectReference<IActionObserver>(observer);
        var grain = grains.GetGrain<IActionGrain>(id);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewals = RenewAsync(grain, reference, events.Writer, stop.Token);
        try
        {
            ActionSnapshot? last = null;
            var seen = new OutputSeen();
            await foreach (var item in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (item.Action is { } changed)
                {
                    // Renewals repeat the current state, and a push may overtake a renewal's answer: pass on only what is newer.
                    if (last is not null && changed.Version <= last.Version)
                    {
                        continue;
                    }

                    last = changed;
                }

                if (item.Action is { } action && action.Status.IsFinal())
                {
                    // Pushes to an observer may arrive out of order: output sent just before the outcome gets a
                    // moment to land, so the final state is the last thing a watcher sees. Only when some may still
                    // be missing, though: waiting always made every followed dispatch 300 ms slower.
                    if (seen.HasAll(action))
                    {
                        yield return item;
                        yield break;
                    }

                    await foreach (var late in LateOutputAsync(events.Reader).ConfigureAwait(false))
                    {
                        yield return late;
                    }

                    yield return item;
                    yield break;
                }

                seen.Add(item.Output);
                yield return item;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await renewals.ConfigureAwait(false);
            try
            {
                identity.Stamp();
                await grain.UnsubscribeAsync(reference).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The subscription expires by itself; a failed goodbye changes nothing.
            }

            grains.DeleteObjectReference<IActionObserver>(reference);

            // Orleans holds a local observer only weakly: unused after subscribing, it could be collected mid-watch,
            // its pushes lost and the delete above refused.
            GC.KeepAlive(observer);
        }
    }

    // Subscribing returns the current state, so every renewal also re-syncs a watcher that missed a push.
    private async Task RenewAsync(IActionGrain grain, IActionObserver reference, ChannelWriter<ActionEvent> events, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var subscription = await ActionClient.Call(identity, () => grain.SubscribeAsync(reference), stop).ConfigureAwait(false);
                if (subscription.Action is not { } current)
                {
                    events.TryComplete(new ActionNotFoundException(id));
                    return;
                }

                events.TryWrite(new ActionEvent(current, null));
                await Task.Delay(subscription.Lifetime / 3, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            events.TryComplete(ex);
        }
    }

    private static async IAsyncEnumerable<ActionEvent> LateOutputAsync(ChannelReader<ActionEvent> events)
    {
        using var window = new CancellationTokenSource(LateOutputWindow);
        while (true)
        {
            ActionEvent late;
            try
            {
                late = await events.ReadAsync(window.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                yield break;
            }

            if (late.Output is not null)
            {
                yield return late;
            }
        }
    }

    // How much output of each stream arrived live, to tell whether a final state's result holds more.
    private sealed class OutputSeen
    {
        private readonly Dictionary<(int Attempt, string Stream), long> _chars = [];

        public void Add(OutputChunk? chunk)
        {
            if (chunk is not null)
            {
                _chars[(chunk.Attempt, chunk.Stream)] = Chars(chunk.Attempt, chunk.Stream) + chunk.Text.Length;
            }
        }

        /// <summary>Whether every character of <paramref name="final"/>'s stored output already arrived (none dropped by the cap).</summary>
        public bool HasAll(ActionSnapshot final) => final.Result switch
        {
            null => true,
            { StdoutDroppedBytes: 0, StderrDroppedBytes: 0 } result =>
                Chars(result.Attempt, "stdout") >= result.Stdout.Length && Chars(result.Attempt, "stderr") >= result.Stderr.Length,
            _ => false,
        };

        private long Chars(int attempt, string stream) => _chars.GetValueOrDefault((attempt, stream));
    }

    private sealed class Observer(ChannelWriter<ActionEvent> events) : IActionObserver
    {
        public void OnChanged(ActionSnapshot action) => events.TryWrite(new ActionEvent(action, null));

        public void OnOutput(OutputChunk chunk) => events.TryWrite(new ActionEvent(null, chunk));
    }
}
