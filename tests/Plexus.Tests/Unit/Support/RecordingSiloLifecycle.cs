using Orleans;
using Orleans.Runtime;

namespace Plexus.Tests.Unit.Support;

/// <summary>
/// A silo lifecycle that only records who subscribed, so a provider's start-up work can be run without a silo.
/// </summary>
internal sealed class RecordingSiloLifecycle : ISiloLifecycle
{
    private readonly List<(string Name, int Stage, ILifecycleObserver Observer)> _subscriptions = [];

    public IReadOnlyList<(string Name, int Stage, ILifecycleObserver Observer)> Subscriptions => _subscriptions;

    public int HighestCompletedStage { get; private set; } = int.MinValue;

    public int LowestStoppedStage { get; private set; } = int.MaxValue;

    public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
    {
        var subscription = (observerName, stage, observer);
        _subscriptions.Add(subscription);
        return new Unsubscriber(() => _subscriptions.Remove(subscription));
    }

    /// <summary>Runs every subscriber's start step, stage by stage, as a silo would.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (_, stage, observer) in _subscriptions.OrderBy(s => s.Stage).ToList())
        {
            await observer.OnStart(cancellationToken);
            HighestCompletedStage = stage;
        }
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
