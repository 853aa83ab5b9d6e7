using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.Streams;
using Plexus.Actions;
using Plexus.Execution;
using Plexus.Hosting;
using Plexus.Persistence.Sqlite.Hosting;

namespace Plexus.Silo.Hosting;

/// <summary>
/// The embedded default: one silo on localhost, action state, reminders, the action index and the audit log in SQLite
/// under the data folder, in-memory streams.
/// </summary>
public static class LocalProfile
{
    /// <summary>The file, under the data folder, that holds grain state.</summary>
    public const string DatabaseFile = "plexus.db";

    /// <summary>How often the silo looks for new command envelopes on its in-memory queues.</summary>
    public static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>How many in-memory queues carry command envelopes; a client that publishes on the streams must use as many.</summary>
    public const int QueueCount = 1;

    /// <summary>Adds everything but clustering, so the Orleans test host can reuse it.</summary>
    public static ISiloBuilder AddLocalServices(this ISiloBuilder builder, IConfiguration configuration, string dataDir) =>
        builder
            .Configure<RunningCommandsOptions>(options => options.Folder = Path.Combine(dataDir, RunningCommandsOptions.FolderName))
            .AddSqliteGrainStorage(ActionGrain.StorageName, options => options.DatabasePath = Path.Combine(dataDir, DatabaseFile))
            .UseSqliteReminders(options => options.DatabasePath = Path.Combine(dataDir, DatabaseFile))
            .UseSqliteActionIndex(options => options.DatabasePath = Path.Combine(dataDir, DatabaseFile))
            .UseSqliteAuditLog(options => options.DatabasePath = Path.Combine(dataDir, DatabaseFile))
            .AddMemoryStreams(CommandStreams.ProviderName, streams =>
            {
                streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);

                // The pulling agent polls each memory queue on a timer, 100 ms by default: that was most of a dispatch's
                // latency (an envelope waited 50 ms on average before a worker saw it). Polling every 10 ms makes it 5 ms.
                // One queue instead of the default eight keeps an idle silo's polling near what it was (100 reads a
                // second instead of 80): this profile has one silo, which pulls every queue anyway.
                streams.ConfigurePartitioning(QueueCount);
                streams.ConfigurePullingAgent(agent => agent.Configure(options => options.GetQueueMsgsTimerPeriod = PollPeriod));
            })
            .AddPlexusActions(configuration);

    /// <summary>Configures a whole single-node cluster on localhost.</summary>
    public static ISiloBuilder UseLocalProfile(this ISiloBuilder builder, IConfiguration configuration, SiloOptions options) =>
        builder
            .UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId)
            .AddLocalServices(configuration, options.DataDirFullPath);
}
