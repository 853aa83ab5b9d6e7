using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Plexus.Actions;
using Plexus.Aws.Sqs.Hosting;
using Plexus.Aws.Sqs.Streams;
using Plexus.Client;
using Plexus.Execution;
using Plexus.Hosting;
using Plexus.Persistence.Sqlite.Hosting;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>
/// Two silos running Plexus actions with the command stream on SQS instead of memory streams: the stateless
/// command workers consume it through their implicit subscription exactly as they do with memory streams.
/// </summary>
public sealed class SqsCommandStreamFixture : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("plexus-sqs-commands-").FullName;
    private InProcessTestCluster? _cluster;

    public string QueuePrefix { get; } = SqsEmulator.UniquePrefix("commands");

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public ActionClient Actions => new(Cluster.Client);

    public async Task InitializeAsync()
    {
        _ = SqsEmulator.ServiceUrl;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plexus:Concurrency"] = "2",
            ["Plexus:Commands:echo:Executable"] = "echo",
            ["Sqs:QueuePrefix"] = QueuePrefix,
            ["Sqs:PartitionCount"] = "4",
            ["Sqs:ReceiveWaitTime"] = "00:00:01",
        }).Build();

        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo
            .AddSqliteGrainStorage(ActionGrain.StorageName, options => options.DatabasePath = Path.Combine(_dataDir, "plexus.db"))
            .UseSqliteReminders(options => options.DatabasePath = Path.Combine(_dataDir, "plexus.db"))
            .AddSqsStreams(CommandStreams.ProviderName, configuration.GetSection("Sqs"), streams => streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly))
            .AddPlexusActions(configuration));
        builder.ConfigureClient(client => client.AddSqsStreams(CommandStreams.ProviderName, configuration.GetSection("Sqs")));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        await StreamAgents.WaitUntilBalancedAsync(_cluster, partitions: 4, CommandStreams.ProviderName);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Directory.Delete(_dataDir, recursive: true);
    }
}

[Trait(Category.Name, Category.Aws)]
public sealed class SqsCommandStreamTests(SqsCommandStreamFixture fixture) : IClassFixture<SqsCommandStreamFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Dispatch_CommandsOverSqsStreams_EachSucceedsOnceAndQueuesEmpty()
    {
        var queued = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => fixture.Actions.DispatchAsync(new ActionRequest($"echo over sqs {i}", "tests"))));

        var finals = await Task.WhenAll(queued.Select(a => Poll.UntilAsync(
            () => fixture.Actions.GetAsync(a.Id), s => s is not null && s.Status.IsFinal(), Deadline, $"action {a.Id} to finish")));

        Assert.All(finals.Zip(Enumerable.Range(0, 6)), pair =>
        {
            Assert.Equal(ActionStatus.Succeeded, pair.First!.Status);
            Assert.Equal($"over sqs {pair.Second}\n", pair.First.Result!.Stdout);
            Assert.Equal(1, pair.First.Attempt);
        });
        using var sqs = SqsEmulator.CreateClient();
        for (var partition = 0; partition < 4; partition++)
        {
            var name = SqsQueueNames.Partition(fixture.QueuePrefix, CommandStreams.ProviderName, partition, fifo: false);
            await Poll.UntilAsync(() => SqsEmulator.CountsAsync(sqs, name), counts => counts == (0, 0), Deadline, $"queue {name} to be empty");
        }
    }
}
