using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Plexus.Persistence.Sqlite.Options;
using Plexus.Persistence.Sqlite.Storage;
using Plexus.Tests.Unit.Support;
using Xunit;

namespace Plexus.Tests.Unit;

/// <summary>The grain storage contract on a SQLite file of its own, plus what only a file-backed store promises.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class SqliteGrainStorageTests : GrainStorageContractTests
{
    private const string StorageName = "test-storage";

    private readonly string _tempDir = Directory.CreateTempSubdirectory("plexus-sqlite-").FullName;
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(StorageTestState).Assembly))
        .BuildServiceProvider();

    // Nested below a folder that does not exist yet: the storage creates it.
    private string DatabasePath => Path.Combine(_tempDir, "data", "grains.db");

    protected override Task<IGrainStorage> CreateStorageAsync() => StartStorageAsync(DatabasePath);

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();

        // Pooled connections keep the file open; let them go before the folder is removed.
        SqliteConnection.ClearAllPools();
        Directory.Delete(_tempDir, recursive: true);
    }

    private SqliteGrainStorageOptions Options(string databasePath) => new()
    {
        DatabasePath = databasePath,
        GrainStorageSerializer = new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
    };

    // Creates the storage and runs its start-up work the way a silo would: through its lifecycle subscription.
    private async Task<IGrainStorage> StartStorageAsync(string databasePath)
    {
        var storage = new SqliteGrainStorage(StorageName, Options(databasePath), NullLogger<SqliteGrainStorage>.Instance);
        var lifecycle = new RecordingSiloLifecycle();
        storage.Participate(lifecycle);
        await lifecycle.StartAsync();
        return storage;
    }

    [Fact]
    public void Participate_Always_SubscribesOnceAtTheConfiguredInitStage()
    {
        var options = Options(DatabasePath);
        options.InitStage = ServiceLifecycleStage.RuntimeStorageServices;
        var storage = new SqliteGrainStorage(StorageName, options, NullLogger<SqliteGrainStorage>.Instance);
        var lifecycle = new RecordingSiloLifecycle();

        storage.Participate(lifecycle);

        var subscription = Assert.Single(lifecycle.Subscriptions);
        Assert.Equal(ServiceLifecycleStage.RuntimeStorageServices, subscription.Stage);
        Assert.Contains(StorageName, subscription.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Default_InitStageIsApplicationServices()
    {
        Assert.Equal(ServiceLifecycleStage.ApplicationServices, new SqliteGrainStorageOptions().InitStage);
    }

    [Fact]
    public async Task Initialize_MissingFolder_CreatesFolderAndDatabase()
    {
        var path = Path.Combine(_tempDir, "a", "b", "c", "fresh.db");

        var storage = await StartStorageAsync(path);
        await storage.WriteStateAsync(StateName, Grain, new GrainState<StorageTestState>(new StorageTestState { Text = "x" }));

        Assert.True(File.Exists(path), $"expected the database file at {path}");
    }

    [Fact]
    public async Task Initialize_ExistingDatabase_KeepsItsData()
    {
        await WriteNewAsync(new StorageTestState { Text = "before restart" });

        // Start-up runs again on every silo start; it must not drop or recreate the table.
        await StartStorageAsync(DatabasePath);

        Assert.Equal("before restart", (await ReadAsync()).State?.Text);
    }

    [Fact]
    public async Task ReadStateAsync_AfterStorageIsRecreatedOnTheSameFile_FindsTheData()
    {
        var written = await WriteNewAsync(new StorageTestState { Text = "Долговечность", Number = 99 });
        written.State = new StorageTestState { Text = "Долговечность v2", Number = 100 };
        await Storage.WriteStateAsync(StateName, Grain, written);

        // Drop the storage and every open connection, as a silo restart would, then open the file afresh.
        SqliteConnection.ClearAllPools();
        var reopened = await StartStorageAsync(DatabasePath);
        var read = new GrainState<StorageTestState>();
        await reopened.ReadStateAsync(StateName, Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(written.State, read.State);

        // And the reopened storage continues the etag sequence: the old holder can still write.
        written.State = new StorageTestState { Text = "after restart" };
        await reopened.WriteStateAsync(StateName, Grain, written);
        Assert.NotEqual(read.ETag, written.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_DatabaseFile_IsInWalMode()
    {
        await WriteNewAsync(new StorageTestState { Text = "x" });

        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}
