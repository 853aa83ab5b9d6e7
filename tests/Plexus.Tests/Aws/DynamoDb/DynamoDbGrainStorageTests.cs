using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Aws.DynamoDb.Storage;
using Plexus.Tests.Unit;
using Plexus.Tests.Unit.Support;

namespace Plexus.Tests.Aws.DynamoDb;

/// <summary>The grain storage contract on DynamoDB Local, plus what only the DynamoDB storage promises.</summary>
[Trait(Category.Name, Category.Aws)]
public sealed class DynamoDbGrainStorageTests : GrainStorageContractTests
{
    private const string StorageName = "test-storage";

    // Read per use, not in a static initializer, so a missing emulator fails each test with the message that says how to start it.
    private static string TablePrefix => DynamoDbLocal.TablePrefix("storage");

    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(StorageTestState).Assembly))
        .BuildServiceProvider();

    // Each test gets a service id of its own, so its states never meet another test's in the shared table.
    private readonly string _serviceId = "service-" + Guid.NewGuid().ToString("N");

    protected override async Task<IGrainStorage> CreateStorageAsync() => await StartStorageAsync(Options());

    public override async Task DisposeAsync()
    {
        (Storage as IDisposable)?.Dispose();
        await _services.DisposeAsync();
    }

    private DynamoDbGrainStorageOptions Options(Action<DynamoDbGrainStorageOptions>? configure = null)
    {
        var options = new DynamoDbGrainStorageOptions
        {
            TablePrefix = TablePrefix,
            GrainStorageSerializer = new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
        };
        configure?.Invoke(options);
        return options;
    }

    // Creates the storage and runs its start-up work the way a silo would: through its lifecycle subscription.
    private async Task<DynamoDbGrainStorage> StartStorageAsync(DynamoDbGrainStorageOptions options, TimeProvider? time = null)
    {
        var storage = new DynamoDbGrainStorage(StorageName, _serviceId, options, NullLogger<DynamoDbGrainStorage>.Instance, time);
        var lifecycle = new RecordingSiloLifecycle();
        storage.Participate(lifecycle);
        await lifecycle.StartAsync();
        return storage;
    }

    private static StorageTestState Incompressible(int bytes, int seed)
    {
        var random = new Random(seed);
        var raw = new byte[bytes * 3 / 4];
        random.NextBytes(raw);
        return new StorageTestState { Text = Convert.ToBase64String(raw), Number = seed };
    }

    // How many items a state takes when written once to a grain of its own: what any later write of it must leave.
    private static async Task<int> ItemsOfAFreshWriteAsync(DynamoDbGrainStorage storage, StorageTestState? value)
    {
        var reference = GrainId.Create("plexus-test", Guid.NewGuid().ToString("N"));
        await storage.WriteStateAsync(StateName, reference, new GrainState<StorageTestState>(value));
        return await storage.CountItemsAsync(StateName, reference);
    }

    [Fact]
    public void Participate_Always_SubscribesOnceAtTheConfiguredInitStage()
    {
        var options = Options(o => o.InitStage = ServiceLifecycleStage.RuntimeStorageServices);
        using var storage = new DynamoDbGrainStorage(StorageName, _serviceId, options, NullLogger<DynamoDbGrainStorage>.Instance);
        var lifecycle = new RecordingSiloLifecycle();

        storage.Participate(lifecycle);

        var subscription = Assert.Single(lifecycle.Subscriptions);
        Assert.Equal(ServiceLifecycleStage.RuntimeStorageServices, subscription.Stage);
        Assert.Contains(StorageName, subscription.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_MissingTable_CreatesItOnDemand()
    {
        var options = Options(o => o.TableName = "fresh-" + Guid.NewGuid().ToString("N")[..8]);

        using var storage = await StartStorageAsync(options);

        using var client = DynamoDbLocal.Client();
        var table = await client.DescribeTableAsync(options.FullTableName);
        Assert.Equal("ACTIVE", table.Table.TableStatus.Value);
        Assert.Equal("PAY_PER_REQUEST", table.Table.BillingModeSummary?.BillingMode?.Value);
    }

    [Fact]
    public async Task Initialize_MissingTableWithoutCreateIfNotExists_FailsNamingTheTable()
    {
        var options = Options(o =>
        {
            o.TableName = "absent-" + Guid.NewGuid().ToString("N")[..8];
            o.CreateIfNotExists = false;
        });

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => StartStorageAsync(options));

        Assert.Contains(options.FullTableName, error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(DynamoDbGrainStorageOptions.CreateIfNotExists), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_ManyStoragesRacingToCreateTheTable_AllStart()
    {
        var options = Options(o => o.TableName = "race-" + Guid.NewGuid().ToString("N")[..8]);

        var storages = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => StartStorageAsync(options))));

        await storages[0].WriteStateAsync(StateName, Grain, new GrainState<StorageTestState>(new StorageTestState { Text = "x" }));
        var read = new GrainState<StorageTestState>();
        await storages[4].ReadStateAsync(StateName, Grain, read);
        Assert.Equal("x", read.State?.Text);
        foreach (var storage in storages)
        {
            storage.Dispose();
        }
    }

    [Fact]
    public async Task WriteStateAsync_LargeStateOverwrittenBySmallOne_LeavesOnlyTheHeadItem()
    {
        var storage = (DynamoDbGrainStorage)Storage;
        var state = await WriteNewAsync(Incompressible(1_500_000, 1));
        Assert.True(await storage.CountItemsAsync(StateName, Grain) > 1, "a 1.5 MB incompressible state should take several items");

        state.State = Incompressible(1_200_000, 2);
        await Storage.WriteStateAsync(StateName, Grain, state);
        var chunked = await storage.CountItemsAsync(StateName, Grain);
        var expectedChunked = await ItemsOfAFreshWriteAsync(storage, state.State);

        state.State = new StorageTestState { Text = "small again" };
        await Storage.WriteStateAsync(StateName, Grain, state);

        Assert.Equal(expectedChunked, chunked);
        Assert.Equal(1, await storage.CountItemsAsync(StateName, Grain));
        Assert.Equal("small again", (await ReadAsync()).State?.Text);
    }

    [Fact]
    public async Task WriteStateAsync_StaleETagOnLargeState_LeavesNoChunksBehind()
    {
        var storage = (DynamoDbGrainStorage)Storage;
        var first = await WriteNewAsync(new StorageTestState { Text = "v1" });
        var stale = new GrainState<StorageTestState>(first.State, first.ETag);
        first.State = new StorageTestState { Text = "v2" };
        await Storage.WriteStateAsync(StateName, Grain, first);

        stale.State = Incompressible(1_000_000, 3);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, Grain, stale));

        Assert.Equal(1, await storage.CountItemsAsync(StateName, Grain));
        Assert.Equal("v2", (await ReadAsync()).State?.Text);
    }

    [Fact]
    public async Task WriteStateAsync_ParallelLargeWritersFromTheSameETag_ExactlyOneWinsAndOnlyItsChunksRemain()
    {
        var storage = (DynamoDbGrainStorage)Storage;
        var original = await WriteNewAsync(Incompressible(800_000, 10));

        var writers = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            var state = new GrainState<StorageTestState>(Incompressible(800_000, 100 + i), original.ETag);
            try
            {
                await Storage.WriteStateAsync(StateName, Grain, state);
                return state;
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        }));
        var outcomes = await Task.WhenAll(writers);

        var winner = Assert.Single(outcomes, o => o is not null)!;
        var read = await ReadAsync();
        Assert.Equal(winner.State, read.State);
        Assert.Equal(winner.ETag, read.ETag);
        Assert.Equal(await ItemsOfAFreshWriteAsync(storage, winner.State), await storage.CountItemsAsync(StateName, Grain));
    }

    [Fact]
    public async Task ReadStateAsync_WhileLargeStatesAreReplaced_AlwaysSeesOneWholeWrittenState()
    {
        var versions = Enumerable.Range(0, 6).Select(i => Incompressible(700_000, 200 + i)).ToList();
        var state = await WriteNewAsync(versions[0]);

        var writer = Task.Run(async () =>
        {
            foreach (var version in versions.Skip(1))
            {
                state.State = version;
                await Storage.WriteStateAsync(StateName, Grain, state);
            }
        });
        var reads = new List<StorageTestState?>();
        while (!writer.IsCompleted)
        {
            reads.Add((await ReadAsync()).State);
        }

        await writer;
        Assert.NotEmpty(reads);
        Assert.All(reads, read => Assert.Contains(read, versions));
        Assert.Equal(versions[^1], (await ReadAsync()).State);
    }

    [Fact]
    public async Task ClearStateAsync_LargeState_DeletesEveryChunk()
    {
        var storage = (DynamoDbGrainStorage)Storage;
        var state = await WriteNewAsync(Incompressible(1_000_000, 4));

        await Storage.ClearStateAsync(StateName, Grain, state);

        Assert.Equal(0, await storage.CountItemsAsync(StateName, Grain));
    }

    [Fact]
    public async Task WriteStateAsync_AboveMaxStateSize_ThrowsAndWritesNothing()
    {
        using var storage = await StartStorageAsync(Options(o => o.MaxStateSize = 100_000));
        var state = new GrainState<StorageTestState>(Incompressible(200_000, 5));

        var error = await Assert.ThrowsAsync<GrainStateTooLargeException>(() => storage.WriteStateAsync(StateName, Grain, state));

        Assert.Contains(nameof(DynamoDbGrainStorageOptions.MaxStateSize), error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await storage.CountItemsAsync(StateName, Grain));
    }

    [Fact]
    public async Task ReadStateAsync_PastTimeToLive_ReportsNoRecordAndAllowsAFirstWrite()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var storage = await StartStorageAsync(Options(o => o.TimeToLive = TimeSpan.FromHours(1)), time);
        await storage.WriteStateAsync(StateName, Grain, new GrainState<StorageTestState>(new StorageTestState { Text = "short-lived" }));

        time.Advance(TimeSpan.FromMinutes(59));
        var beforeExpiry = new GrainState<StorageTestState>();
        await storage.ReadStateAsync(StateName, Grain, beforeExpiry);
        time.Advance(TimeSpan.FromMinutes(2));
        var afterExpiry = new GrainState<StorageTestState>();
        await storage.ReadStateAsync(StateName, Grain, afterExpiry);
        var rewrite = new GrainState<StorageTestState>(new StorageTestState { Text = "new life" });
        await storage.WriteStateAsync(StateName, Grain, rewrite);

        Assert.True(beforeExpiry.RecordExists);
        Assert.False(afterExpiry.RecordExists);
        Assert.Null(afterExpiry.ETag);
        var read = new GrainState<StorageTestState>();
        await storage.ReadStateAsync(StateName, Grain, read);
        Assert.Equal("new life", read.State?.Text);
    }

    [Fact]
    public async Task Initialize_WithTimeToLive_TurnsOnTableExpiryForTheAttribute()
    {
        var options = Options(o =>
        {
            o.TableName = "ttl-" + Guid.NewGuid().ToString("N")[..8];
            o.TimeToLive = TimeSpan.FromDays(7);
            o.TimeToLiveAttribute = "GoneAt";
        });

        using var storage = await StartStorageAsync(options);

        using var client = DynamoDbLocal.Client();
        var ttl = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = options.FullTableName });
        Assert.Equal("GoneAt", ttl.TimeToLiveDescription.AttributeName);
        Assert.Equal("ENABLED", ttl.TimeToLiveDescription.TimeToLiveStatus.Value);
    }
}
