using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Plexus.Persistence.Sqlite.Options;
using Plexus.Persistence.Sqlite.Storage;

namespace Plexus.Persistence.Sqlite.Hosting;

/// <summary>Registers SQLite grain storage on a silo.</summary>
public static class SqliteGrainStorageSiloBuilderExtensions
{
    /// <summary>Adds a grain storage named <paramref name="name"/> kept in a local SQLite file.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddGrainStorage(name, (services, storageName) =>
        {
            var options = new SqliteGrainStorageOptions();
            configure(options);
            options.GrainStorageSerializer ??= new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
            new SqliteGrainStorageOptionsValidator(options, storageName).ValidateConfiguration();
            return new SqliteGrainStorage(storageName, options, services.GetRequiredService<ILogger<SqliteGrainStorage>>());
        });
        return builder;
    }
}
