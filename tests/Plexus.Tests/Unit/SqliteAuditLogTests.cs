using Microsoft.Data.Sqlite;
using Orleans.Configuration;
using Plexus.Audit;
using Plexus.Persistence.Sqlite.Audit;
using Plexus.Persistence.Sqlite.Options;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Plexus.Tests.Unit;

/// <summary>The audit log contract on a SQLite file of its own.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class SqliteAuditLogTests : AuditLogContractTests
{
    private readonly string _tempDir = Directory.CreateTempSubdirectory("plexus-audit-").FullName;

    protected override Task<IAuditLog> CreateLogAsync(string serviceId) =>
        Task.FromResult<IAuditLog>(new SqliteAuditLog(
            MsOptions.Create(new SqliteAuditLogOptions { DatabasePath = Path.Combine(_tempDir, "data", "plexus.db") }),
            MsOptions.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "test" })));

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_tempDir, recursive: true);
        return Task.CompletedTask;
    }
}
