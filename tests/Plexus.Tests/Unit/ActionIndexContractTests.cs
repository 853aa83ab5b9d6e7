using Plexus.Actions;
using Plexus.Queries;

namespace Plexus.Tests.Unit;

/// <summary>
/// What every action index must do, whatever it keeps entries in: one subclass per backend supplies
/// <see cref="CreateIndexAsync"/>. Each test gets an index of a service id of its own.
/// </summary>
public abstract class ActionIndexContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
    private static readonly ActionStatus[] Statuses = [ActionStatus.Queued, ActionStatus.Running, ActionStatus.Succeeded, ActionStatus.Failed, ActionStatus.Cancelled];
    private static readonly string[] Commands = ["evaluate accuracy", "evaluate recall", "prepare --set s1", "report_%"];
    private static readonly string[] Submitters = ["alice@lab", "bob@lab", "carol@ci"];

    protected IActionIndex Index { get; private set; } = null!;

    /// <summary>Gets a service id no other test uses.</summary>
    protected string ServiceId { get; } = "plexus-test-" + Guid.NewGuid().ToString("N");

    /// <summary>Creates an index for <paramref name="serviceId"/> on the backend.</summary>
    protected abstract Task<IActionIndex> CreateIndexAsync(string serviceId);

    public virtual async Task InitializeAsync() => Index = await CreateIndexAsync(ServiceId);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static ActionListItem Item(int n, ActionStatus? status = null, long version = 1) => new()
    {
        Id = Guid.CreateVersion7(T0.AddSeconds(n)),
        Status = status ?? Statuses[n % Statuses.Length],
        Command = Commands[n % Commands.Length],
        Submitter = Submitters[n % Submitters.Length],
        QueuedAt = T0.AddSeconds(n),
        StartedAt = T0.AddSeconds(n + 0.5),
        FinishedAt = n % 2 == 0 ? T0.AddSeconds(n + 1.25) : null,
        Percent = n % 3 == 0 ? 37.5 : null,
        Attempt = 1 + n % 2,
        Version = version,
        RetainUntil = n % 2 == 0 ? T0.AddDays(30).AddSeconds(n) : null,
        Queue = n % 3 == 0 ? "gpu" : "default",
    };

    private async Task<List<ActionListItem>> StoreAsync(int count)
    {
        var items = Enumerable.Range(0, count).Select(n => Item(n)).ToList();
        foreach (var chunk in items.Chunk(50))
        {
            await Task.WhenAll(chunk.Select(item => Index.UpsertAsync(item)));
        }

        return items;
    }

    private Task<List<ActionListItem>> AllPagesAsync(ActionQuery query, Func<int, Task>? betweenPages = null) =>
        Paging.AllAsync<ActionListItem>(
            async cursor =>
            {
                var page = await Index.QueryAsync(query with { Cursor = cursor });
                return (page.Items, page.Next);
            },
            query.Limit,
            betweenPages);

    [Fact]
    public async Task UpsertAsync_New_RoundTripsEveryField()
    {
        var item = Item(3);

        await Index.UpsertAsync(item);
        var page = await Index.QueryAsync(new ActionQuery());

        Assert.Equal(item, Assert.Single(page.Items));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task UpsertAsync_SameOrOlderVersion_ChangesNothingAndANewerOneReplaces()
    {
        var running = Item(1, ActionStatus.Running, version: 2);
        await Index.UpsertAsync(running);

        await Index.UpsertAsync(running with { Status = ActionStatus.Queued, Version = 1 });
        await Index.UpsertAsync(running with { Status = ActionStatus.Failed, Version = 2 });
        var unchanged = Assert.Single((await Index.QueryAsync(new ActionQuery())).Items);
        await Index.UpsertAsync(running with { Status = ActionStatus.Succeeded, Version = 3, Percent = 100 });
        var after = await Index.QueryAsync(new ActionQuery());
        var replaced = Assert.Single(after.Items);

        Assert.Equal(new Dictionary<ActionStatus, long> { [ActionStatus.Succeeded] = 1 }, after.Counts);
        Assert.Equal(running, unchanged);
        Assert.Equal(ActionStatus.Succeeded, replaced.Status);
        Assert.Equal(100, replaced.Percent);
    }

    [Fact]
    public async Task QueuedAsync_ActionsInSeveralQueues_CountsTheQueuedOnesPerQueueWithTheEarliest()
    {
        var items = Enumerable.Range(0, 60).Select(n => Item(n, n % 4 == 0 ? ActionStatus.Running : ActionStatus.Queued)).ToList();
        foreach (var chunk in items.Chunk(30))
        {
            await Task.WhenAll(chunk.Select(item => Index.UpsertAsync(item)));
        }

        // One leaves the queue by a newer version: it counts no more.
        var started = items.First(i => i.Status == ActionStatus.Queued && i.Queue == "gpu");
        await Index.UpsertAsync(started with { Status = ActionStatus.Running, Version = 2 });

        var backlog = await Index.QueuedAsync();

        var expected = items
            .Where(i => i.Status == ActionStatus.Queued && i.Id != started.Id)
            .GroupBy(i => i.Queue)
            .Select(g => new QueueBacklog(g.Key, g.Count(), g.Min(i => i.QueuedAt)))
            .OrderBy(b => b.Queue, StringComparer.Ordinal);
        Assert.Equal(expected, backlog.OrderBy(b => b.Queue, StringComparer.Ordinal));
    }

    [Fact]
    public async Task QueryAsync_EveryFilterCombination_ReturnsExactlyTheMatchingActionsNewestFirstWithTheirCounts()
    {
        var items = await StoreAsync(500);
        ActionStatus[][] statusFilters = [[], [ActionStatus.Failed], [ActionStatus.Running, ActionStatus.Queued]];
        string?[] prefixes = [null, "evaluate", "evaluate r", "report_", "nothing"];
        string?[] submitters = [null, "bob@lab"];
        (DateTimeOffset? Since, DateTimeOffset? Until)[] windows = [(null, null), (T0.AddSeconds(100), null), (T0.AddSeconds(50), T0.AddSeconds(350))];
        foreach (var statuses in statusFilters)
        foreach (var prefix in prefixes)
        foreach (var submitter in submitters)
        foreach (var (since, until) in windows)
        {
            var query = new ActionQuery { Statuses = [.. statuses], CommandPrefix = prefix, Submitter = submitter, Since = since, Until = until, Limit = 1000 };
            var expected = items
                .Where(i => statuses.Length == 0 || statuses.Contains(i.Status))
                .Where(i => prefix is null || i.Command.StartsWith(prefix, StringComparison.Ordinal))
                .Where(i => submitter is null || i.Submitter == submitter)
                .Where(i => (since is null || i.QueuedAt >= since) && (until is null || i.QueuedAt < until))
                .OrderByDescending(i => i.QueuedAt)
                .ToList();

            var page = await Index.QueryAsync(query);

            var what = $"statuses [{string.Join(",", statuses)}], prefix {prefix}, submitter {submitter}, since {since}, until {until}";
            Assert.True(expected.Select(i => i.Id).SequenceEqual(page.Items.Select(i => i.Id)), $"Wrong items for {what}.");
            Assert.Equal(expected.GroupBy(i => i.Status).ToDictionary(g => g.Key, g => (long)g.Count()), page.Counts);
        }
    }

    [Fact]
    public async Task QueryAsync_PagingWhileNewActionsArrive_VisitsEachStoredActionExactlyOnce()
    {
        var items = await StoreAsync(230);
        var later = 1000;

        var seen = await AllPagesAsync(new ActionQuery { Limit = 17 }, async _ =>
        {
            // Newer actions sort before the cursor, so they never show up on later pages nor push items off them.
            await Index.UpsertAsync(Item(later++));
        });

        Assert.Equal(items.OrderByDescending(i => i.QueuedAt).Select(i => i.Id), seen.Select(i => i.Id));
    }

    [Fact]
    public async Task QueryAsync_ActionsQueuedAtTheSameMoment_PagesThroughThemByIdWithoutLoss()
    {
        var items = Enumerable.Range(0, 40).Select(n => Item(0) with { Id = Guid.NewGuid() }).ToList();
        foreach (var item in items)
        {
            await Index.UpsertAsync(item);
        }

        var seen = await AllPagesAsync(new ActionQuery { Limit = 7 });

        Assert.Equal(40, seen.Select(i => i.Id).Distinct().Count());
        Assert.Equal(items.Select(i => i.Id).Order(), seen.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task QueryAsync_LastPage_HasNoNextAndAFullPageBeforeItHasOne()
    {
        await StoreAsync(10);

        var first = await Index.QueryAsync(new ActionQuery { Limit = 5 });
        var second = await Index.QueryAsync(new ActionQuery { Limit = 5, Cursor = first.Next });

        Assert.NotNull(first.Next);
        Assert.Equal(5, second.Items.Count);
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task DueForRemovalAsync_SomeRetentionsPassed_ReturnsThoseEarliestFirstUpToTheLimit()
    {
        var items = await StoreAsync(40);
        var now = T0.AddDays(30).AddSeconds(20);

        var due = await Index.DueForRemovalAsync(now, limit: 5);
        var all = await Index.DueForRemovalAsync(now, limit: 100);

        var expected = items.Where(i => i.RetainUntil <= now).OrderBy(i => i.RetainUntil).ToList();
        Assert.Equal(11, expected.Count);
        Assert.Equal(expected.Take(5).Select(i => i.Id), due.Select(i => i.Id));
        Assert.Equal(expected.Select(i => i.Id), all.Select(i => i.Id));
        Assert.Equal(expected[0], due[0]);
    }

    [Fact]
    public async Task RemoveAsync_SameVersion_RemovesTheEntryButNotANewerOne()
    {
        var first = Item(2, ActionStatus.Succeeded, version: 3);
        var second = Item(4, ActionStatus.Failed, version: 5);
        await Index.UpsertAsync(first);
        await Index.UpsertAsync(second);

        await Index.RemoveAsync(first);
        await Index.RemoveAsync(second with { Version = 4 });
        await Index.RemoveAsync(Item(6));
        var left = await Index.QueryAsync(new ActionQuery());

        Assert.Equal(second, Assert.Single(left.Items));
        Assert.Equal(new Dictionary<ActionStatus, long> { [ActionStatus.Failed] = 1 }, left.Counts);
        Assert.DoesNotContain(first.Id, (await Index.DueForRemovalAsync(DateTimeOffset.MaxValue, 100)).Select(i => i.Id));
    }

    [Fact]
    public async Task QueryAsync_AnotherServiceId_SeesNothingOfThisOne()
    {
        await StoreAsync(5);
        var other = await CreateIndexAsync("plexus-test-" + Guid.NewGuid().ToString("N"));

        var page = await other.QueryAsync(new ActionQuery());

        Assert.Empty(page.Items);
        Assert.Empty(page.Counts);
    }
}
