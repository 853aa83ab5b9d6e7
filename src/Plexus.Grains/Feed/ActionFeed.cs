using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plexus.Actions;

namespace Plexus.Feed;

/// <summary>
/// This silo's side of the live feed: action grains hand it every new state of their action (<see cref="Publish"/>,
/// which only keeps it in memory), and it sends the latest state of each changed action to the
/// <see cref="IActionFeedGrain"/> in one batch at most every <see cref="BatchWindow"/>. A lost batch (the feed grain's
/// silo going away) is logged and not sent again: the feed is for live views, which re-read what is stored.
/// </summary>
public sealed partial class ActionFeed(IGrainFactory grains, ILogger<ActionFeed> logger) : BackgroundService
{
    /// <summary>How long changes gather before a batch is sent: a live table redraws a few times a second at most.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _changed = new(0, 1);
    private Dictionary<Guid, ActionSnapshot> _pending = [];

    /// <summary>Takes the new state of an action for the next batch; a later state of the same action replaces it.</summary>
    public void Publish(ActionSnapshot action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_gate)
        {
            if (_pending.TryGetValue(action.Id, out var earlier) && earlier.Version > action.Version)
            {
                return;
            }

            _pending[action.Id] = action;
            if (_pending.Count > 1)
            {
                return;
            }
        }

        // The first change of a batch wakes the sender; the rest join it.
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = grains.GetGrain<IActionFeedPublisherGrain>(0);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(BatchWindow, stoppingToken).ConfigureAwait(false);
                Dictionary<Guid, ActionSnapshot> batch;
                lock (_gate)
                {
                    (batch, _pending) = (_pending, []);
                }

                try
                {
                    await feed.PublishAsync([.. batch.Values.Select(ActionChange.From)]).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogBatchLost(ex, batch.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A batch of {Count} action changes did not reach the live feed; live views catch up from storage.")]
    private partial void LogBatchLost(Exception exception, int count);
}
