using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.TestingHost;
using Plexus.Actions;
using Plexus.Client;

namespace Plexus.Tests.Cluster;

/// <summary>
/// A queued action that nobody follows leaves memory once its envelope is out, and behaves exactly as before:
/// it runs when a worker is free, expires at its deadline, and can be watched and cancelled. A final action leaves
/// memory once its last follower is done, and stays readable. Each test deploys its own one-worker silo with a
/// 1 s recovery interval; the queue tests hold the worker with a long command.
/// </summary>
[Trait(Category.Name, Category.Cluster)]
public sealed class ActionMemoryTests : IAsyncLifetime
{
    private readonly TempCluster _silos = new("plexus-queued-");

    private string WorkDir => _silos.WorkDir;

    private InProcessTestCluster Cluster => _silos.Cluster;

    private ActionClient Actions => _silos.Actions;

    public Task InitializeAsync() => _silos.DeployAsync(1, concurrency: 1, new Dictionary<string, string?>
    {
        ["Plexus:RecoveryInterval"] = "00:00:01",
    });

    public Task DisposeAsync() => _silos.DisposeAsync().AsTask();

    [Fact]
    public async Task QueuedAction_NobodyWatching_LeavesMemoryAndRunsWhenAWorkerIsFree()
    {
        var blocker = await OccupyTheWorkerAsync();
        var queued = await Actions.DispatchAsync(new ActionRequest("echo ran", "tests"));
        await UntilNotInMemoryAsync(queued.Id, "after its dispatch");

        // Nothing per action in the reminder table: the recovery sweep finds it through the action index.
        var reminders = Cluster.Silos[0].SiloHost.Services.GetRequiredService<IReminderTable>();
        var grainId = Cluster.Client.GetGrain<IActionGrain>(queued.Id).GetGrainId();
        Assert.Empty((await reminders.ReadRows(grainId)).Reminders);

        // Reading it brings it back; the recovery sweep's next check (which publishes it again) lets it go.
        await Actions.UntilAsync(queued.Id, a => a.Published is { Republished: > 0 }, "a recovery check to publish it again");
        await UntilNotInMemoryAsync(queued.Id, "after a recovery check");

        await Actions.CancelAsync(blocker.Id, "tests");
        var final = await Actions.FinalAsync(queued.Id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal("ran\n", final.Result?.Stdout);
        Assert.Single(final.Attempts);
        Assert.Null(final.Published);
    }

    [Fact]
    public async Task QueuedAction_OutOfMemory_CanBeWatchedAndCancelled()
    {
        var marker = Path.Combine(WorkDir, "ran");
        var blocker = await OccupyTheWorkerAsync();
        var queued = await Actions.DispatchAsync(new ActionRequest($"sh 'echo ran > {marker}'", "tests"));
        await UntilNotInMemoryAsync(queued.Id, "after its dispatch");

        using var deadline = new CancellationTokenSource(Poll.DefaultTimeout);
        var statuses = new List<ActionStatus>();
        await foreach (var item in Actions.WatchAsync(queued.Id, deadline.Token))
        {
            if (item.Action is not { } action)
            {
                continue;
            }

            statuses.Add(action.Status);
            if (statuses.Count == 1)
            {
                // Subscribed: the cancel reaches the watcher as a push.
                var answer = await Actions.CancelAsync(queued.Id, "tester");
                Assert.True(answer.Accepted, answer.Message);
            }
        }

        await Actions.CancelAsync(blocker.Id, "tests");
        await Actions.FinalAsync(blocker.Id);
        Assert.Equal([ActionStatus.Queued, ActionStatus.Cancelled], statuses);
        var final = await Actions.FinalAsync(queued.Id);
        Assert.Equal("tester", final.CancelRequestedBy);
        Assert.Null(final.StartedAt);
        Assert.False(File.Exists(marker), "the cancelled command ran");
    }

    [Fact]
    public async Task QueuedAction_WithAFarQueueDeadline_LeavesMemoryAndStillExpires()
    {
        var marker = Path.Combine(WorkDir, "ran");
        var blocker = await OccupyTheWorkerAsync();

        // Far: more than two recovery intervals away, so nothing needs its deadline timer until a later check.
        var queued = await Actions.DispatchAsync(new ActionRequest($"sh 'echo ran > {marker}'", "tests", Expires: TimeSpan.FromSeconds(8)));
        await UntilNotInMemoryAsync(queued.Id, "after its dispatch");

        var final = await Actions.FinalAsync(queued.Id);
        await Actions.CancelAsync(blocker.Id, "tests");
        await Actions.FinalAsync(blocker.Id);

        Assert.Equal(ActionStatus.Expired, final.Status);
        Assert.True(final.FinishedAt >= final.ExpiresAt, $"expired at {final.FinishedAt:O}, before its deadline {final.ExpiresAt:O}");
        Assert.Null(final.StartedAt);
        Assert.False(File.Exists(marker), "the expired command ran");
    }

    [Fact]
    public async Task FinishedAction_OnceItsLastFollowerIsDone_LeavesMemoryAndStaysReadable()
    {
        // Followed by a long poll.
        var polled = await Actions.DispatchAsync(new ActionRequest("echo polled", "tests"));
        var final = await Actions.FinalAsync(polled.Id);
        await UntilNotInMemoryAsync(polled.Id, "after its long poll returned");
        var read = await Actions.GetAsync(polled.Id);
        Assert.Equal(final.Version, read?.Version);
        Assert.Equal("polled\n", read?.Result?.Stdout);

        // Followed live: it leaves when the watcher unsubscribes.
        var watched = await Actions.DispatchAsync(new ActionRequest("echo watched", "tests"));
        using var deadline = new CancellationTokenSource(Poll.DefaultTimeout);
        ActionSnapshot? last = null;
        await foreach (var item in Actions.WatchAsync(watched.Id, deadline.Token))
        {
            last = item.Action ?? last;
        }

        Assert.Equal(ActionStatus.Succeeded, last?.Status);
        await UntilNotInMemoryAsync(watched.Id, "after its watcher left");
        Assert.Equal("watched\n", (await Actions.GetAsync(watched.Id))?.Result?.Stdout);
    }

    private async Task<ActionSnapshot> OccupyTheWorkerAsync()
    {
        var blocker = await Actions.DispatchAsync(new ActionRequest("sh 'sleep 120'", "tests"));
        return await Actions.UntilAsync(blocker.Id, a => a.Status == ActionStatus.Running, "the blocking command to start");
    }

    // Asks every silo whether it holds an activation of the action; asking does not activate it.
    private async Task UntilNotInMemoryAsync(Guid id, string when)
    {
        var management = Cluster.Client.GetGrain<IManagementGrain>(0);
        var action = (GrainReference)Cluster.Client.GetGrain<IActionGrain>(id);
        await Poll.UntilAsync(() => management.GetGrainActivationCount(action), count => count == 0, Poll.DefaultTimeout,
            $"action {id} to leave memory {when}", count => $"{count} activation(s)");
    }
}
