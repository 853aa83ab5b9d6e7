using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Streams;
using Plexus.Actions;
using Plexus.Aws;
using Plexus.Aws.DynamoDb.Hosting;
using Plexus.Aws.DynamoDb.Options;
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
    public static ISiloBuilder UseAwsProfile(this ISiloBuilder builder, IConfiguration configuration, SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
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
        builder.Services.PostConfigure<AuthOptions>(auth => auth.RequireKeys = true);
        return builder
            .Configure<RunningCommandsOptions>(running => running.Folder = Path.Combine(options.DataDirFullPath, RunningCommandsOptions.FolderName))
            .Configure<ClusterOptions>(cluster => (cluster.ClusterId, cluster.ServiceId) = (options.ClusterId, options.ServiceId))
            .ConfigureEndpoints(AdvertisedAddress(options), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true)
            .UseDynamoDbClustering(DynamoDb)
            .AddDynamoDbGrainStorage(ActionGrain.StorageName, DynamoDb)
            .UseDynamoDbReminders(DynamoDb)
            .UseDynamoDbActionIndex(DynamoDb)
            .UseDynamoDbAuditLog(DynamoDb)
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

    private static IPAddress AdvertisedAddress(SiloOptions options)
    {
        if (options.AdvertisedIp is { Length: > 0 } text)
        {
            return IPAddress.TryParse(text, out var address)
                ? address
                : throw new Orleans.Runtime.OrleansConfigurationException($"Plexus:AdvertisedIp '{text}' is not an IP address.");
        }

        // Inside a container the first IPv4 address is the one its peers reach it on (ECS awsvpc gives one per task).
        return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
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
