using Plexus.Audit;

namespace Plexus.Tests.Unit;

/// <summary>
/// What every audit log must do, whatever it keeps entries in: one subclass per backend supplies
/// <see cref="CreateLogAsync"/>. Each test gets a log of a service id of its own.
/// </summary>
public abstract class AuditLogContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Actors = ["alice@lab", "bob@lab", AuditRecord.SystemActor];
    private static readonly Guid[] Actions = [Guid.CreateVersion7(T0), Guid.CreateVersion7(T0.AddSeconds(1)), Guid.CreateVersion7(T0.AddSeconds(2)), Guid.CreateVersion7(T0.AddSeconds(3))];

    protected IAuditLog Log { get; private set; } = null!;

    /// <summary>Gets a service id no other test uses.</summary>
    protected string ServiceId { get; } = "plexus-test-" + Guid.NewGuid().ToString("N");

    /// <summary>Creates a log for <paramref name="serviceId"/> on the backend.</summary>
    protected abstract Task<IAuditLog> CreateLogAsync(string serviceId);

    public virtual async Task InitializeAsync() => Log = await CreateLogAsync(ServiceId);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    // Entries n and n+1 of every ten share a time, so the id decides their order.
    private static AuditRecord Entry(int n) => new()
    {
        Id = Guid.NewGuid(),
        At = T0.AddSeconds(n - n % 10 % 2),
        Actor = Actors[n % Actors.Length],
        Origin = n % 4 == 0 ? null : $"host-{n % 3}",
        Operation = (AuditOperation)(n % 4),
        ActionId = Actions[n % Actions.Length],
        Outcome = n % 5 == 0 ? AuditOutcome.Refused : AuditOutcome.Accepted,
        Detail = $"entry {n}: 'quoted' % _ ünïcode",
    };

    private async Task<List<AuditRecord>> AppendAsync(int count)
    {
        var entries = Enumerable.Range(0, count).Select(Entry).ToList();
        foreach (var chunk in entries.Chunk(25))
        {
            await Task.WhenAll(chunk.Select(entry => Log.AppendAsync(entry)));
        }

        return entries;
    }

    private static List<AuditRecord> NewestFirst(IEnumerable<AuditRecord> entries) =>
        [.. entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id.ToString("N"), StringComparer.Ordinal)];

    private Task<List<AuditRecord>> AllPagesAsync(AuditQuery query, Func<int, Task>? betweenPages = null) =>
        Paging.AllAsync<AuditRecord>(
            async cursor =>
            {
                var page = await Log.QueryAsync(query with { Cursor = cursor });
                return (page.Items, page.Next);
            },
            query.Limit,
            betweenPages);

    [Fact]
    public async Task AppendAsync_Entry_RoundTripsEveryField()
    {
        var entry = Entry(3) with { At = T0.AddTicks(1234567) };
        var refused = Entry(5) with { Origin = null };

        await Log.AppendAsync(entry);
        await Log.AppendAsync(refused);

        var page = await Log.QueryAsync(new AuditQuery());
        Assert.Equal(NewestFirst([entry, refused]), page.Items);
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task AppendAsync_SameIdTwice_KeepsOneEntry()
    {
        var entry = Entry(1);

        await Log.AppendAsync(entry);
        await Log.AppendAsync(entry);

        Assert.Equal([entry], (await Log.QueryAsync(new AuditQuery())).Items);
    }

    [Fact]
    public async Task QueryAsync_EveryFilterCombination_ReturnsExactlyTheMatchesNewestFirst()
    {
        var entries = await AppendAsync(120);
        DateTimeOffset?[] sinces = [null, T0.AddSeconds(57), T0.AddSeconds(57.5)];
        string?[] actors = [null, "alice@lab", AuditRecord.SystemActor, "nobody"];
        Guid?[] actions = [null, Actions[1], Guid.NewGuid()];
        foreach (var since in sinces)
        {
            foreach (var actor in actors)
            {
                foreach (var action in actions)
                {
                    var query = new AuditQuery { Since = since, Actor = actor, ActionId = action, Limit = 7 };
                    var expected = NewestFirst(entries.Where(e =>
                        (since is null || e.At >= since) && (actor is null || e.Actor == actor) && (action is null || e.ActionId == action)));

                    var seen = await AllPagesAsync(query);

                    Assert.True(expected.SequenceEqual(seen), $"since {since:O}, actor {actor}, action {action}: expected {expected.Count} entries in order, got {seen.Count}.");
                }
            }
        }
    }

    [Fact]
    public async Task QueryAsync_PagingWhileEntriesArrive_VisitsEachEarlierEntryOnce()
    {
        var entries = await AppendAsync(60);
        var later = new List<AuditRecord>();

        var seen = await AllPagesAsync(new AuditQuery { Limit = 8 }, async page =>
        {
            // Newer than every entry: they sort before the cursor, so no page shows them.
            var arriving = Entry(page) with { At = T0.AddHours(1 + page) };
            later.Add(arriving);
            await Log.AppendAsync(arriving);
        });

        Assert.Equal(NewestFirst(entries), seen);
        Assert.NotEmpty(later);
        Assert.Equal(NewestFirst(later), (await Log.QueryAsync(new AuditQuery { Limit = later.Count })).Items);
    }

    [Fact]
    public async Task QueryAsync_LastPage_HasNoNext()
    {
        await AppendAsync(10);

        var first = await Log.QueryAsync(new AuditQuery { Limit = 10 });
        var beyond = await Log.QueryAsync(new AuditQuery { Limit = 5, Cursor = AuditCursor.After(first.Items[^1]).ToString() });

        Assert.Equal(10, first.Items.Count);
        Assert.Null(first.Next);
        Assert.Empty(beyond.Items);
        Assert.Null(beyond.Next);
    }

    [Fact]
    public async Task QueryAsync_AnotherServiceId_SeesNoneOfTheEntries()
    {
        await AppendAsync(5);
        var other = await CreateLogAsync("plexus-test-" + Guid.NewGuid().ToString("N"));

        var page = await other.QueryAsync(new AuditQuery());

        Assert.Empty(page.Items);
        Assert.Equal(5, (await Log.QueryAsync(new AuditQuery())).Items.Count);
    }
}
