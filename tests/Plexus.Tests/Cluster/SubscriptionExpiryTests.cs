using System.Collections.Concurrent;
using Orleans.TestingHost;
using Plexus.Actions;
using Plexus.Client;

namespace Plexus.Tests.Cluster;

/// <summary>
/// Subscriptions expire unless renewed. On a silo whose subscriptions last 2 s, a command that stays silent
/// for three lifetimes: the client library's watcher renews and sees everything to the end; an observer that
/// subscribed once is dropped.
/// </summary>
[Trait(Category.Name, Category.Cluster)]
public sealed class SubscriptionExpiryTests : IAsyncLifetime
{
    private readonly TempCluster _silos = new("plexus-subscriptions-");

    private InProcessTestCluster Cluster => _silos.Cluster;

    public Task InitializeAsync() => _silos.DeployAsync(1, concurrency: 1, new Dictionary<string, string?>
    {
        ["Plexus:SubscriptionLifetime"] = "00:00:02",
    });

    public Task DisposeAsync() => _silos.DisposeAsync().AsTask();

    [Fact]
    public async Task WatchAsync_PastTheSubscriptionLifetime_KeepsReceivingUntilTheEnd()
    {
        var actions = new ActionClient(Cluster.Client);
        var queued = await actions.DispatchAsync(new ActionRequest("sh 'echo start; sleep 6; echo end'", "tests"));
        var once = new RecordingObserver();
        var onceReference = Cluster.Client.CreateObjectReference<IActionObserver>(once);
        var grain = Cluster.Client.GetGrain<IActionGrain>(queued.Id);
        var granted = await grain.SubscribeAsync(onceReference);

        var output = new List<string>();
        ActionSnapshot? last = null;
        using var deadline = new CancellationTokenSource(Poll.DefaultTimeout);
        await foreach (var item in actions.WatchAsync(queued.Id, deadline.Token))
        {
            if (item.Output is { } chunk)
            {
                output.Add(chunk.Text);
            }

            last = item.Action ?? last;
        }

        Assert.Equal(TimeSpan.FromSeconds(2), granted.Lifetime);
        Assert.Equal(ActionStatus.Succeeded, last?.Status);
        Assert.Equal("start\nend\n", string.Concat(output));

        // The observer that never renewed saw the start (pushed, or replayed on subscribing) but was dropped long before the end.
        Assert.Contains("start\n", once.Output);
        Assert.DoesNotContain(ActionStatus.Succeeded, once.Statuses);
        Assert.DoesNotContain("end\n", once.Output);
        Cluster.Client.DeleteObjectReference<IActionObserver>(onceReference);
    }

    private sealed class RecordingObserver : IActionObserver
    {
        private readonly ConcurrentQueue<ActionStatus> _statuses = new();
        private readonly ConcurrentQueue<string> _output = new();

        public IReadOnlyCollection<ActionStatus> Statuses => _statuses;

        public IReadOnlyCollection<string> Output => _output;

        public void OnChanged(ActionSnapshot action) => _statuses.Enqueue(action.Status);

        public void OnOutput(OutputChunk chunk) => _output.Enqueue(chunk.Text);
    }
}
