using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.Streams;
using Plexus.Actions;
using Plexus.Execution;
using Plexus.Hosting;
using Plexus.Persistence.Sqlite.Hosting;

namespace Plexus.Silo.Hosting;

/// <summary>
/// The embedded default: one silo on localhost, action state and reminders in SQLite under the data folder,
/// in-memory streams.
/// </summary>
public static class LocalProfile
{
    /// <summary>The file, under the data folder, that holds grain state.</summary>
    public const string DatabaseFile = "plexus.db";

    /// <summary>Adds everything but clustering, so the Orleans test host can reuse it.</summary>
    public static ISiloBuilder AddLocalServices(this ISiloBuilder builder, IConfiguration configuration, string dataDir) =>
        builder
            .AddSqliteGrainStorage(ActionGrain.StorageName, options => options.DatabasePath = Path.Combine(dataDir, DatabaseFile))
            .UseSqliteReminders(options => options.DatabasePath = Path.Combine(dataDir, DatabaseFile))
            .AddMemoryStreams(CommandStreams.ProviderName, streams => streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly))
            .AddPlexusActions(configuration);

    /// <summary>Configures a whole single-node cluster on localhost.</summary>
    public static ISiloBuilder UseLocalProfile(this ISiloBuilder builder, IConfiguration configuration, SiloOptions options) =>
        builder
            .UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId)
            .AddLocalServices(configuration, options.DataDirFullPath);
}
