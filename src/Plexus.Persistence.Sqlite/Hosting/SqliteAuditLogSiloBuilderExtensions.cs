using Microsoft.Extensions.DependencyInjection;
using Plexus.Audit;
using Plexus.Persistence.Sqlite.Audit;
using Plexus.Persistence.Sqlite.Options;

namespace Plexus.Persistence.Sqlite.Hosting;

/// <summary>Registers the SQLite audit log on a silo.</summary>
public static class SqliteAuditLogSiloBuilderExtensions
{
    /// <summary>Keeps the audit log in a local SQLite file.</summary>
    public static ISiloBuilder UseSqliteAuditLog(this ISiloBuilder builder, Action<SqliteAuditLogOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.Services.AddSingleton<IAuditLog, SqliteAuditLog>();
        return builder;
    }
}
