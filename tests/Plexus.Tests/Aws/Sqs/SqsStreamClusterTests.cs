using Orleans.Runtime;
using Orleans.Streams;
using Plexus.Tests.EndToEnd;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>Orleans streams on SQS end to end: a client produces, consumers on two silos receive through implicit subscriptions.</summary>
[Collection(SqsClusterCollection.Name)]
public sealed class SqsStreamClusterTests(SqsClusterFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private Task ProduceAsync(string key, IEnumerable<SqsProbeEvent> events) =>
        ProduceAsync(StreamId.Create(SqsClusterFixture.Namespace, key), events);

    private async Task ProduceAsync(StreamId stream, IEnumerable<SqsProbeEvent> events)
    {
        var producer = fixture.Cluster.Client.GetStreamProvider(SqsClusterFixture.Provider).GetStream<SqsProbeEvent>(stream);
        foreach (var item in events)
        {
            await producer.OnNextAsync(item);
        }
    }

    private Task<SqsProbeReport> ReportAsync(string key) =>
        fixture.Cluster.Client.GetGrain<ISqsProbeConsumerGrain>(key).GetReportAsync();

    private async Task WaitForEmptyQueuesAsync()
    {
        for (var partition = 0; partition < SqsClusterFixture.Partitions; partition++)
        {
            var name = fixture.QueueName(partition);
            await Poll.UntilAsync(() => SqsEmulator.CountsAsync(fixture.Sqs, name), counts => counts == (0, 0), Deadline,
                $"queue {name} to hold no visible and no in-flight messages (all delivered and deleted)");
        }
    }

    [Fact]
    public async Task OnNextAsync_EventsOnSeveralStreams_EachArrivesOnceInOrderPerStream()
    {
        const int perStream = 25;
        var keys = Enumerable.Range(0, 8).Select(i => $"order-{i}").ToList();

        await Task.WhenAll(keys.Select(key => ProduceAsync(key, Enumerable.Range(0, perStream).Select(n => new SqsProbeEvent(n, TimeSpan.Zero)))));

        var reports = new List<SqsProbeReport>();
        foreach (var key in keys)
        {
            reports.Add(await Poll.UntilAsync(() => ReportAsync(key), r => r.Received.Count >= perStream, Deadline, $"{perStream} events on stream {key}"));
        }

        await WaitForEmptyQueuesAsync();
        foreach (var (key, report) in keys.Zip(reports))
        {
            Assert.True(Enumerable.Range(0, perStream).SequenceEqual((await ReportAsync(key)).Received), $"stream {key} received {report}");
        }

        // Where the consumers run is up to grain placement; what the provider decides is that the streams spread
        // over several partitions, which the two silos' pulling agents share.
        var mapper = new HashRingBasedStreamQueueMapper(new() { TotalQueueCount = SqsClusterFixture.Partitions }, SqsClusterFixture.Provider);
        Assert.True(keys.Select(k => mapper.GetQueueForStream(StreamId.Create(SqsClusterFixture.Namespace, k))).Distinct().Count() > 1);
    }

    [Fact]
    public async Task OnNextAsync_ConsumerSlowerThanVisibilityTimeout_ExecutesEachEventOnce()
    {
        var work = SqsClusterFixture.VisibilityTimeout * 3;

        await ProduceAsync("slow", [new SqsProbeEvent(0, work), new SqsProbeEvent(1, work), new SqsProbeEvent(2, TimeSpan.Zero)]);

        await Poll.UntilAsync(() => ReportAsync("slow"), r => r.Received.Count >= 3, Deadline, "the three events on the slow stream");
        await WaitForEmptyQueuesAsync();
        var report = await ReportAsync("slow");
        Assert.True(report.Received.SequenceEqual([0, 1, 2]), $"each event should run once, in order; ran {report}");
    }
}
