using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;
using Plexus.Commands;

namespace Plexus.Feed;

/// <summary>
/// The live feed of action changes: passes each batch the silos' <see cref="ActionFeed"/>s send on to every subscribed
/// observer. Holds nothing durable; a subscriber whose renewal lands on a new activation (its silo was lost) is
/// simply subscribed again, and the batches in between are lost to it — a live table re-reads its page on reconnect.
/// </summary>
/// <remarks>
/// Why one grain and not a stream: an Orleans stream on SQS (the <c>Aws</c> profile) hands each message to one
/// consumer, while every dashboard needs every change; and observers are how the rest of the cluster pushes to
/// clients. The silos batch and coalesce per action (see <see cref="ActionFeed"/>), so this grain gets a few calls a
/// second per silo whatever the rate of changes.
/// </remarks>
public sealed class ActionFeedGrain(IOptions<ExecutionOptions> options, ILogger<ActionFeedGrain> logger)
    : Grain, IActionFeedGrain, IActionFeedPublisherGrain
{
    private readonly ObserverManager<IActionFeedObserver> _observers = new(options.Value.SubscriptionLifetime, logger);

    /// <inheritdoc />
    public Task<TimeSpan> SubscribeAsync(IActionFeedObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers.Subscribe(observer, observer);
        return Task.FromResult(options.Value.SubscriptionLifetime);
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(IActionFeedObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task PublishAsync(IReadOnlyList<ActionChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count > 0 && _observers.Count > 0)
        {
            _observers.Notify(o => o.OnChanges(changes));
        }

        return Task.CompletedTask;
    }
}
