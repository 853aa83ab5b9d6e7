using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Plexus.Actions;
using Plexus.Artifacts;
using Plexus.Audit;
using Plexus.Commands;
using Plexus.Diagnostics;
using Plexus.Execution;
using Plexus.Queries;
using Plexus.Security;

namespace Plexus.Hosting;

/// <summary>Adds the Plexus action and worker services to a silo.</summary>
public static class PlexusSiloBuilderExtensions
{
    // Past the drain and the stop grace period: time to report the last results and leave the cluster.
    private static readonly TimeSpan ShutdownSlack = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Adds actions, the command catalog and this silo's worker pool, with <see cref="ExecutionOptions"/> bound
    /// from <paramref name="configuration"/>'s <c>Plexus</c> section. The silo still needs a grain storage named
    /// <see cref="Actions.ActionGrain.StorageName"/>, a stream provider named <see cref="CommandStreams.ProviderName"/>
    /// and a reminder table; listings need an <see cref="IActionIndex"/> and the audit listing an <see cref="IAuditLog"/>
    /// (without them they say they are not available). Client calls are checked against <see cref="AuthOptions"/>
    /// (<c>Plexus:Auth</c>) by <see cref="RoleFilter"/>.
    /// </summary>
    public static ISiloBuilder AddPlexusActions(this ISiloBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = builder.Services;
        services.AddOptions<ExecutionOptions>().Bind(configuration.GetSection(ExecutionOptions.SectionName)).ValidateOnStart();

        // Orleans refuses reminders shorter than its minimum (1 minute by default); a shorter recovery interval lowers it.
        services.AddOptions<ReminderOptions>().Configure<IOptions<ExecutionOptions>>((reminders, execution) =>
        {
            if (execution.Value.RecoveryInterval < reminders.MinimumReminderPeriod)
            {
                reminders.MinimumReminderPeriod = execution.Value.RecoveryInterval;
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExecutionOptions>, ExecutionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IActionIndex, NoActionIndex>();
        services.TryAddSingleton<IAuditLog, NoAuditLog>();
        services.TryAddSingleton<IArtifactStore, NoArtifactStore>();
        services.AddOptions<ArtifactOptions>().Bind(configuration.GetSection(ArtifactOptions.SectionName))
            .Validate(o => o.Problem() is null, "Plexus:Artifacts: every limit (MaxFileBytes, MaxTotalBytes, MaxCount) must be at least 1.").ValidateOnStart();
        services.AddSingleton<ArtifactCollector>();
        services.AddMetrics();
        services.TryAddSingleton<PlexusMetrics>();
        services.TryAddSingleton(new ConfiguredSecrets(configuration));
        services.AddSingleton<AuditTrail>();

        // Every client call is checked against the role its contract declares (see RoleFilter).
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<ClusterSecret>();
        builder.AddIncomingGrainCallFilter<RoleFilter>();

        // Silo code is what carries the cluster secret: every grain call of this silo is stamped with it.
        builder.AddOutgoingGrainCallFilter<SiloCallStamp>();
        services.AddSingleton<CommandCatalog>();
        services.AddOptions<RunningCommandsOptions>();
        services.AddSingleton<RunningCommands>();
        services.AddSingleton<CommandRunner>();
        services.AddSingleton<SiloQueues>();
        services.AddSingleton<WorkerPool>();

        // Hosted services stop in the reverse order: the pool drains first while the registration still reports it
        // draining, and both stop before the silo they were added after leaves the cluster.
        services.AddHostedService<WorkerRegistration>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkerPool>());

        // The host's own stop deadline (30 s by default) would cut the drain short.
        // Read unvalidated: the host reads its options before start, where the validator reports bad settings properly.
        services.AddOptions<HostOptions>().Configure(host =>
        {
            var execution = new ExecutionOptions();
            try
            {
                configuration.GetSection(ExecutionOptions.SectionName).Bind(execution);
            }
            catch (InvalidOperationException)
            {
                // A value that does not bind fails validation at start, with its key named.
            }

            var drain = execution.DrainTimeout + execution.StopGracePeriod + ShutdownSlack;
            if (host.ShutdownTimeout < drain)
            {
                host.ShutdownTimeout = drain;
            }
        });
        services.AddHostedService<RetentionSweep>();
        services.AddHostedService<RecoverySweep>();
        services.AddHostedService<QueueBacklogMetrics>();
        return builder;
    }
}
