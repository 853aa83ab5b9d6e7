using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Streams;
using Plexus.Actions;
using Plexus.Aws;
using Plexus.Aws.DynamoDb.Hosting;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Aws.S3.Hosting;
using Plexus.Aws.Sqs.Hosting;
using Plexus.Aws.Sqs.Options;
using Plexus.Aws.Sqs.Streams;
using Plexus.Execution;
using Plexus.Hosting;
using Plexus.Security;

namespace Plexus.Silo.Hosting;

/// <summary>
/// The <c>Aws</c> profile: silos join their cluster through a DynamoDB membership table, keep action state,
/// reminders, the action index and the audit log in DynamoDB, and carry command envelopes on SQS queues. Same
/// behaviour as the embedded default.
/// </summary>
public static class AwsProfile
{
    /// <summary>Configures a silo of a cluster on AWS (or on the local emulators the SDK's endpoint settings name).</summary>
    /// <param name="builder">The silo.</param>
    /// <param name="configuration">The silo's configuration.</param>
    /// <param name="options">The silo's settings.</param>
    /// <param name="endpoints">What it announces and listens on (<see cref="SiloEndpoints.ResolveAsync"/>).</param>
    public static ISiloBuilder UseAwsProfile(this ISiloBuilder builder, IConfiguration configuration, SiloOptions options, SiloEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpoints);
        var aws = PlexusAwsSettings.From(configuration);

        // Plexus:Aws onto the providers' options: one connection per service, the prefixes that keep deployments apart.
        void DynamoDb(DynamoDbOptions o)
        {
            aws.DynamoDbConnection().ApplyTo(o);
            o.TablePrefix = aws.TablePrefix;
        }

        void Sqs(SqsStreamOptions o)
        {
            aws.SqsConnection().ApplyTo(o);
            o.QueuePrefix = aws.QueuePrefix ?? o.QueuePrefix;
        }

        // Its gateway listens on every address: no caller may get in without a key.
        // Its silos run in separate processes: they need one cluster secret to know each other's calls for silo code.
        builder.Services.PostConfigure<AuthOptions>(auth => (auth.RequireKeys, auth.RequireClusterSecret) = (true, true));
        return builder
            .Configure<RunningCommandsOptions>(running => running.Folder = Path.Combine(options.DataDirFullPath, RunningCommandsOptions.FolderName))
            .Configure<ClusterOptions>(cluster => (cluster.ClusterId, cluster.ServiceId) = (options.ClusterId, options.ServiceId))
            .Configure<EndpointOptions>(endpoint =>
            {
                // In ECS bridge mode the announced ports are the host's, mapped to the ports the silo listens on.
                endpoint.AdvertisedIPAddress = endpoints.Address;
                endpoint.SiloPort = endpoints.SiloPort;
                endpoint.GatewayPort = endpoints.GatewayPort;
                endpoint.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, endpoints.ListenSiloPort);
                endpoint.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, endpoints.ListenGatewayPort);
            })
            .UseDynamoDbClustering(DynamoDb)
            .AddDynamoDbGrainStorage(ActionGrain.StorageName, DynamoDb)
            .UseDynamoDbReminders(DynamoDb)
            .UseDynamoDbActionIndex(DynamoDb)
            .UseDynamoDbAuditLog(DynamoDb)
            .UseS3ArtifactStore(s3 =>
            {
                aws.S3Connection().ApplyTo(s3);
                s3.BucketName = aws.ArtifactsBucket;
                s3.KeyPrefix = aws.ArtifactsPrefix;
            })
            .AddSqsStreams(CommandStreams.ProviderName, streams =>
            {
                streams.ConfigureSqs(sqs => sqs.Configure(Sqs));
                streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);

                // One set of SQS queues per Plexus queue: a silo reads only the queues it serves.
                streams.UseQueuePerNamespace();
            })
            .ConfigureServices(services => services.AddKeyedSingleton<ISqsStreamNamespaces>(
                CommandStreams.ProviderName, (sp, _) => new CommandQueueNamespaces(sp.GetRequiredService<SiloQueues>())))
            .AddPlexusActions(configuration);
    }
}

/// <summary>The stream namespaces of the Plexus queues this silo reads now, for the SQS provider.</summary>
internal sealed class CommandQueueNamespaces : ISqsStreamNamespaces
{
    private readonly SiloQueues _queues;

    public CommandQueueNamespaces(SiloQueues queues)
    {
        _queues = queues;
        _queues.Changed += (sender, e) => Changed?.Invoke(this, e);
    }

    /// <inheritdoc />
    public event EventHandler? Changed;

    /// <inheritdoc />
    public IReadOnlyCollection<string> Reading => [.. _queues.Reading.Select(CommandStreams.NamespaceOf)];
}
