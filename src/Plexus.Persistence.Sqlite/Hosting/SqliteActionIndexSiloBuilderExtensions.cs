using Microsoft.Extensions.DependencyInjection;
using Plexus.Persistence.Sqlite.Indexing;
using Plexus.Persistence.Sqlite.Options;
using Plexus.Queries;

namespace Plexus.Persistence.Sqlite.Hosting;

/// <summary>Registers the SQLite action index on a silo.</summary>
public static class SqliteActionIndexSiloBuilderExtensions
{
    /// <summary>Keeps the index that listings read in a local SQLite file.</summary>
    public static ISiloBuilder UseSqliteActionIndex(this ISiloBuilder builder, Action<SqliteActionIndexOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.Services.AddSingleton<IActionIndex, SqliteActionIndex>();
        return builder;
    }
}
