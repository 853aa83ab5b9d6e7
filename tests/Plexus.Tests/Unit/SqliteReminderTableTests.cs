using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Runtime;
using Plexus.Persistence.Sqlite.Options;
using Plexus.Persistence.Sqlite.Reminders;
using Xunit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Plexus.Tests.Unit;

/// <summary>The reminder table contract on a SQLite file of its own, plus what only a file-backed table promises.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class SqliteReminderTableTests : ReminderTableContractTests
{
    private readonly string _tempDir = Directory.CreateTempSubdirectory("plexus-reminders-").FullName;

    private string DatabasePath => Path.Combine(_tempDir, "data", "plexus.db");

    protected override Task<IReminderTable> CreateTableAsync(string serviceId) => StartTableAsync(serviceId, DatabasePath);

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_tempDir, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<IReminderTable> StartTableAsync(string serviceId, string path)
    {
        var table = new SqliteReminderTable(
            MsOptions.Create(new SqliteReminderTableOptions { DatabasePath = path }),
            MsOptions.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "test" }),
            NullLogger<SqliteReminderTable>.Instance);
        await table.StartAsync();
        return table;
    }

    [Fact]
    public async Task ReadRow_AfterTheTableIsReopened_FindsTheReminder()
    {
        var grain = NewGrain();
        var etag = await Table.UpsertRow(Entry(grain, "durable"));

        SqliteConnection.ClearAllPools();
        var reopened = await StartTableAsync(ServiceId, DatabasePath);

        Assert.Equal(etag, (await reopened.ReadRow(grain, "durable"))?.ETag);
    }

    [Fact]
    public void Validate_NoDatabasePath_NamesTheSetting()
    {
        var validator = new SqliteReminderTableOptionsValidator(MsOptions.Create(new SqliteReminderTableOptions()));

        var error = Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);

        Assert.Contains(nameof(SqliteReminderTableOptions.DatabasePath), error.Message, StringComparison.Ordinal);
    }
}
