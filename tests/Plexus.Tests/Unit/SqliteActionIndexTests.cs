using Microsoft.Data.Sqlite;
using Orleans.Configuration;
using Plexus.Persistence.Sqlite.Indexing;
using Plexus.Persistence.Sqlite.Options;
using Plexus.Queries;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Plexus.Tests.Unit;

/// <summary>The action index contract on a SQLite file of its own.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class SqliteActionIndexTests : ActionIndexContractTests
{
    private readonly string _tempDir = Directory.CreateTempSubdirectory("plexus-index-").FullName;

    protected override Task<IActionIndex> CreateIndexAsync(string serviceId) =>
        Task.FromResult<IActionIndex>(new SqliteActionIndex(
            MsOptions.Create(new SqliteActionIndexOptions { DatabasePath = Path.Combine(_tempDir, "data", "plexus.db") }),
            MsOptions.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "test" })));

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_tempDir, recursive: true);
        return Task.CompletedTask;
    }
}
