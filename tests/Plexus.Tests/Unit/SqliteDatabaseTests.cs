using Plexus.Persistence.Sqlite;

namespace Plexus.Tests.Unit;

/// <summary>Every connection the SQLite providers open has their settings, a pooled one reused included.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("plexus-sqlite-db-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task OpenAsync_FreshAndPooledConnections_AllHaveNormalSyncAndTheBusyTimeout()
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "settings.db"));
        await database.InitializeAsync("CREATE TABLE IF NOT EXISTS t (x INTEGER);", CancellationToken.None);

        // Several at once make several handles; opening again reuses them from the pool.
        for (var round = 0; round < 3; round++)
        {
            var connections = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => database.OpenAsync()));
            foreach (var connection in connections)
            {
                await using (connection)
                {
                    Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA synchronous")); // 1 = NORMAL
                    Assert.Equal(30000L, await ScalarAsync(connection, "PRAGMA busy_timeout"));
                    Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
                }
            }
        }
    }

    private static async Task<object?> ScalarAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
