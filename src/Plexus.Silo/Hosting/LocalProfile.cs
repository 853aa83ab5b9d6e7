using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.Streams;
using Plexus.Actions;
using Plexus.Artifacts;
using Plexus.Execution;
using Plexus.Hosting;
using Plexus.Persistence.Sqlite.Hosting;
using Plexus.Streams.Local;

namespace Plexus.Silo.Hosting;

/// <summary>
/// The embedded default: one silo on localhost, action state, reminders, the action index and the audit log in SQLite
/// under the data folder, command streams on local queues that wake their reader at once (<see cref="LocalQueueAdapterFactory"/>).
/// </summary>
public static class LocalProfile
{
    /// <summary>The file, under the data folder, that holds grain state.</summary>
    public const string DatabaseFile = "plexus.db";

    // After a receive that waited and saw nothing, the next one starts this soon; an enqueue meanwhile waits in the queue.
    private static readonly TimeSpan RewaitPeriod = TimeSpan.FromMilliseconds(1);

    /// <summary>How many local queues carry command envelopes; a client that publishes on the streams must use as many.</summary>
    public const int QueueCount = 1;

    /// <summary>Adds everything but clustering, so the Orleans test host can reuse it.</summary>
    public static ISiloBuilder AddLocalServices(this ISiloBuilder builder, IConfiguration configuration, string dataDir) =>
        builder
            .Configure<RunningCommandsOptions>(options => options.Folder = Path.Combine(dataDir, RunningCommandsOptions.FolderName))
            .AddSqliteGrainStorage(ActionGrain.StorageName, options => options.DatabasePath = Path.Combine(dataDir, DatabaseFile))
            .UseSqliteReminders(options => options.DatabasePath = Path.Combine(dataDir, DatabaseFile))
            .UseSqliteActionIndex(options => options.DatabasePath = Path.Combine(dataDir, DatabaseFile))
            .UseSqliteAuditLog(options => options.DatabasePath = Path.Combine(dataDir, DatabaseFile))
            .UseFileArtifactStore(Path.Combine(dataDir, FileArtifactStore.FolderName))
            .AddLocalQueueStreams(
                CommandStreams.ProviderName,
                // One queue: this profile has one silo, which pulls every queue anyway.
                queue => queue.QueueCount = QueueCount,
                streams =>
                {
                    streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);

                    // Memory streams polled their queues every 10 ms, which was half a dispatch's latency and an idle
                    // silo's main cost. The receiver now waits for the enqueue itself, so the agent's timer only matters
                    // after a wait that saw nothing: it then asks again almost at once.
                    streams.ConfigurePullingAgent(agent => agent.Configure(options => options.GetQueueMsgsTimerPeriod = RewaitPeriod));
                })
            .AddPlexusActions(configuration);

    /// <summary>Configures a whole single-node cluster on localhost.</summary>
    public static ISiloBuilder UseLocalProfile(this ISiloBuilder builder, IConfiguration configuration, SiloOptions options) =>
        builder
            .UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId)
            .AddLocalServices(configuration, options.DataDirFullPath);
}
