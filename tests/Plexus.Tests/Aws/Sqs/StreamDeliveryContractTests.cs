using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.TestingHost;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>A two-silo cluster with a stream provider named <see cref="StreamDeliveryContractTests.Provider"/> under test.</summary>
public interface IStreamClusterFixture
{
    InProcessTestCluster Cluster { get; }

    /// <summary>Gets how many partitions the provider spreads streams over.</summary>
    int Partitions { get; }

    /// <summary>Gets how long a received message stays hidden before the backend would offer it again.</summary>
    TimeSpan VisibilityTimeout { get; }

    /// <summary>Waits until the backend holds nothing undelivered or undeleted.</summary>
    Task WaitUntilDrainedAsync(TimeSpan timeout);
}

/// <summary>Waits for a test cluster's stream partitions to settle.</summary>
public static class StreamAgents
{
    // Long enough for every silo to have seen every other join: the ring, and so the partition owners, stop changing.
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Waits until every silo of <paramref name="cluster"/> runs <paramref name="provider"/>, all <paramref name="partitions"/>
    /// are pulled, and who pulls them has not changed for a few seconds, so no partition moves (and redelivers) while
    /// a test runs. Which silo pulls which partition is the consistent ring's choice: one silo may pull them all.
    /// </summary>
    public static Task WaitUntilBalancedAsync(InProcessTestCluster cluster, int partitions, string provider = StreamDeliveryContractTests.Provider)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        string? last = null;
        var unchangedSince = Stopwatch.StartNew();
        return Poll.UntilAsync(
            async () => string.Join(",", (await management.SendControlCommandToProvider<PersistentStreamProvider>(
                provider, (int)PersistentStreamProviderCommand.GetNumberRunningAgents, null!)).Select(Convert.ToInt32)),
            counts =>
            {
                if (counts != last)
                {
                    (last, unchangedSince) = (counts, Stopwatch.StartNew());
                }

                var perSilo = counts.Split(',');
                return perSilo.Length == cluster.Silos.Count && perSilo.Sum(int.Parse) == partitions && unchangedSince.Elapsed >= SettleTime;
            },
            TimeSpan.FromSeconds(60),
            $"every silo to run {provider} and its {partitions} partitions to be pulled, unchanged for {SettleTime.TotalSeconds} s (pulling agents per silo)");
    }
}

/// <summary>
/// What the command stream needs from a stream provider, run against each backend: every event exactly once, with
/// consumers on two silos, and no second execution when a consumer is slow. Order is not part of it: standard SQS
/// queues do not keep it when a message is offered again, and command envelopes do not need it.
/// </summary>
public abstract class StreamDeliveryContractTests(IStreamClusterFixture fixture)
{
    public const string Provider = "probe-streams";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private async Task ProduceAsync(string key, IEnumerable<StreamProbeEvent> events)
    {
        var producer = fixture.Cluster.Client.GetStreamProvider(Provider)
            .GetStream<StreamProbeEvent>(StreamId.Create(StreamProbeConsumerGrain.Namespace, key));
        foreach (var item in events)
        {
            await producer.OnNextAsync(item);
        }
    }

    private Task<StreamProbeReport> ReportAsync(string key) =>
        fixture.Cluster.Client.GetGrain<IStreamProbeConsumerGrain>(key).GetReportAsync();

    [Fact]
    public async Task OnNextAsync_EventsOnSeveralStreams_EachArrivesExactlyOnce()
    {
        const int perStream = 25;
        var keys = Enumerable.Range(0, 8).Select(i => $"order-{Guid.NewGuid():N}").ToList();

        await Task.WhenAll(keys.Select(key => ProduceAsync(key, Enumerable.Range(0, perStream).Select(n => new StreamProbeEvent(n, TimeSpan.Zero)))));

        foreach (var key in keys)
        {
            await Poll.UntilAsync(() => ReportAsync(key), r => r.Received.Count >= perStream, Deadline, $"{perStream} events on stream {key}");
        }

        await fixture.WaitUntilDrainedAsync(Deadline);
        foreach (var key in keys)
        {
            var report = await ReportAsync(key);
            Assert.True(Enumerable.Range(0, perStream).SequenceEqual(report.Received.Order()), $"stream {key} received {report}");
        }

        // Where consumers run is up to grain placement; what the provider decides is that the streams spread over
        // several partitions, which the two silos' pulling agents share: asked of the provider's own mapper.
        var mapper = fixture.Cluster.Silos[0].SiloHost.Services.GetRequiredKeyedService<IQueueAdapterFactory>(Provider).GetStreamQueueMapper();
        var queues = keys.Select(k => mapper.GetQueueForStream(StreamId.Create(StreamProbeConsumerGrain.Namespace, k))).Distinct().ToList();
        Assert.True(queues.Count > 1, $"the {keys.Count} streams all map to {queues[0]}");
        Assert.Equal(fixture.Partitions, mapper.GetAllQueues().Count());
    }

    [Fact]
    public async Task OnNextAsync_ConsumerSlowerThanVisibilityTimeout_ExecutesEachEventOnce()
    {
        var key = $"slow-{Guid.NewGuid():N}";
        var work = fixture.VisibilityTimeout * 3;

        await ProduceAsync(key, [new StreamProbeEvent(0, work), new StreamProbeEvent(1, work), new StreamProbeEvent(2, TimeSpan.Zero)]);

        await Poll.UntilAsync(() => ReportAsync(key), r => r.Received.Count >= 3, Deadline, "the three events on the slow stream");
        await fixture.WaitUntilDrainedAsync(Deadline);
        var report = await ReportAsync(key);
        Assert.True(report.Received.Order().SequenceEqual([0, 1, 2]), $"each event should run exactly once; ran {report}");
    }
}

[Trait(Category.Name, Category.Aws)]
[Collection(SqsClusterCollection.Name)]
public sealed class SqsStreamDeliveryTests(SqsClusterFixture fixture) : StreamDeliveryContractTests(fixture);

[Trait(Category.Name, Category.Aws)]
[Collection(MemoryStreamClusterCollection.Name)]
public sealed class MemoryStreamDeliveryTests(MemoryStreamClusterFixture fixture) : StreamDeliveryContractTests(fixture);

[Trait(Category.Name, Category.Cluster)]
[Collection(LocalQueueStreamClusterCollection.Name)]
public sealed class LocalQueueStreamDeliveryTests(LocalQueueStreamClusterFixture fixture) : StreamDeliveryContractTests(fixture)
{
    [Fact]
    public async Task DequeueAsync_EmptyPartitionThenAnEnqueue_ReturnsTheBatchWithoutWaitingOutItsWait()
    {
        var partition = fixture.Cluster.Client.GetGrain<Plexus.Streams.Local.ILocalQueueGrain>($"probe-{Guid.NewGuid():N}");
        var waiting = partition.DequeueAsync(10, TimeSpan.FromMinutes(2));
        var streamId = StreamId.Create(StreamProbeConsumerGrain.Namespace, "push");
        await partition.EnqueueAsync(new Plexus.Streams.Local.LocalQueueBatch(streamId, [new StreamProbeEvent(7, TimeSpan.Zero)], null));

        // Woken by the enqueue: well inside the two minutes it would otherwise wait.
        var batches = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        var batch = Assert.Single(batches);
        Assert.Equal(7, Assert.Single(batch.GetEvents<StreamProbeEvent>()).Item1.Number);
    }
}
