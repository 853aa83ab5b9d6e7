using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Plexus.Actions;
using Plexus.Persistence.Sqlite.Indexing;
using Plexus.Persistence.Sqlite.Options;
using Plexus.Queries;

namespace Plexus.Tests.Cluster;

/// <summary>The index behind listings, kept by the action grains of a real silo, and repaired when an update fails.</summary>
[Trait(Category.Name, Category.Cluster)]
public sealed class ActionIndexTests : IAsyncLifetime
{
    private readonly TempCluster _silos = new("plexus-index-");

    // Recovery checks every second, so a failed index update is caught up within seconds.
    public Task InitializeAsync() => _silos.DeployAsync(
        1,
        concurrency: 2,
        new Dictionary<string, string?> { ["Plexus:RecoveryInterval"] = "00:00:01" },
        silo => silo.Services.AddSingleton<IActionIndex>(services => new FailingIndex(new SqliteActionIndex(
            services.GetRequiredService<IOptions<SqliteActionIndexOptions>>(), services.GetRequiredService<IOptions<ClusterOptions>>()))));

    public async Task DisposeAsync() => await _silos.DisposeAsync();

    private async Task<ActionListItem?> ListedAsync(Guid id) =>
        (await _silos.Actions.ListAsync(new ActionQuery { Limit = ActionQuery.MaxLimit })).Items.SingleOrDefault(i => i.Id == id);

    [Fact]
    public async Task Dispatch_ThroughItsLife_IsListedWithEachStoredStatus()
    {
        var queued = await _silos.Actions.DispatchAsync(new ActionRequest("sh 'sleep 60'", "tests"));
        var listedQueuedOrRunning = await ListedAsync(queued.Id);
        await _silos.Actions.UntilAsync(queued.Id, a => a.Status == ActionStatus.Running, "the sleep to run");
        var listedRunning = await ListedAsync(queued.Id);
        await _silos.Actions.CancelAsync(queued.Id, "tests");
        var final = await _silos.Actions.FinalAsync(queued.Id);
        var listedFinal = await ListedAsync(queued.Id);

        Assert.Contains(listedQueuedOrRunning?.Status, new ActionStatus?[] { ActionStatus.Queued, ActionStatus.Running });
        Assert.Equal(ActionStatus.Running, listedRunning?.Status);
        Assert.Equal(ActionListItem.From(final), listedFinal);
    }

    [Fact]
    public async Task Dispatch_IndexUpdatesFailing_ActionStillSucceedsAndItsEntryIsCaughtUpOnceTheIndexWorks()
    {
        var id = Guid.CreateVersion7();
        FailingIndex.Fail(id);
        var request = new ActionRequest("echo indexed late", "tests");

        // Dispatched to a known id: a fresh id from DispatchAsync would be known only after the first update.
        var queued = await _silos.Cluster.Client.GetGrain<IActionGrain>(id).SubmitAsync(request);
        var final = await _silos.Actions.FinalAsync(queued.Id);
        var listedWhileFailing = await ListedAsync(id);

        // The recovery sweep cannot find an action the index lacks: it keeps a reminder of its own meanwhile.
        var remindersWhileFailing = await RemindersAsync(id);
        FailingIndex.Heal(id);
        var caughtUp = await Poll.UntilAsync(() => ListedAsync(id), item => item?.Status == ActionStatus.Succeeded, TimeSpan.FromSeconds(30), "the index entry to be caught up");
        await Poll.UntilAsync(() => RemindersAsync(id), count => count == 0, TimeSpan.FromSeconds(30), "the action's reminder to go once its entry is caught up");

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Null(listedWhileFailing);
        Assert.Equal(1, remindersWhileFailing);
        Assert.Equal(ActionListItem.From(final), caughtUp);
    }

    private async Task<int> RemindersAsync(Guid id) =>
        (await _silos.Cluster.Silos[0].SiloHost.Services.GetRequiredService<IReminderTable>()
            .ReadRows(_silos.Cluster.Client.GetGrain<IActionGrain>(id).GetGrainId())).Reminders.Count;

    // The silo's index, whose updates for a chosen action fail while a test says so.
    private sealed class FailingIndex(IActionIndex inner) : IActionIndex
    {
        private static readonly ConcurrentDictionary<Guid, bool> Failing = new();

        public static void Fail(Guid id) => Failing[id] = true;

        public static void Heal(Guid id) => Failing.TryRemove(id, out _);

        public Task UpsertAsync(ActionListItem item, CancellationToken cancellationToken = default) =>
            Failing.ContainsKey(item.Id) ? throw new IOException($"Injected index fault for {item.Id}.") : inner.UpsertAsync(item, cancellationToken);

        public Task<ActionPage> QueryAsync(ActionQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

        public Task<IReadOnlyList<ActionListItem>> DueForRemovalAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
            inner.DueForRemovalAsync(now, limit, cancellationToken);

        public Task RemoveAsync(ActionListItem item, CancellationToken cancellationToken = default) => inner.RemoveAsync(item, cancellationToken);
    }
}
