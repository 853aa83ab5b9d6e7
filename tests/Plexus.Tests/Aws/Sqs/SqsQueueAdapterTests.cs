using System.Diagnostics;
using Amazon.SQS.Model;
using Orleans.Runtime;
using Orleans.Streams;
using Plexus.Aws.Sqs.Streams;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>The SQS queue adapter and its receivers against the emulator, the way a pulling agent drives them.</summary>
[Trait(Category.Name, Category.Aws)]
public sealed class SqsQueueAdapterTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static StreamId Stream(string key) => StreamId.Create("probe", key);

    // Reads every receiver in turn, reporting each batch delivered at once, until `expected` events came or the deadline passed.
    private static async Task<List<(QueueId Queue, SqsBatchContainer Batch)>> DrainAsync(
        IReadOnlyList<IQueueAdapterReceiver> receivers, int expected, bool deliver = true)
    {
        var received = new List<(QueueId, SqsBatchContainer)>();
        await Poll.UntilAsync(
            async () =>
            {
                foreach (var receiver in receivers)
                {
                    var batches = await receiver.GetQueueMessagesAsync(QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG, CancellationToken.None);
                    received.AddRange(batches.Select(b => (((SqsQueueReceiver)receiver).Id, (SqsBatchContainer)b)));
                    if (deliver && batches.Count > 0)
                    {
                        await receiver.MessagesDeliveredAsync(batches, CancellationToken.None);
                    }
                }

                return received.Sum(r => r.Item2.Events.Count);
            },
            events => events >= expected,
            Deadline,
            $"{expected} events",
            events => $"{events} events",
            interval: TimeSpan.Zero);
        return received;
    }

    private static Task WaitForEmptyAsync(SqsAdapterHarness harness, string queueName) =>
        Poll.UntilAsync(
            () => SqsEmulator.CountsAsync(harness.Client, queueName),
            counts => counts == (0, 0),
            Deadline,
            $"queue {queueName} to hold no visible and no in-flight messages");

    [Fact]
    public async Task QueueMessageBatchAsync_EventsOnManyStreamsAndPartitions_EachDeliveredOnceThenDeleted()
    {
        await using var harness = await SqsAdapterHarness.CreateAsync(SqsEmulator.UniquePrefix("deliver"), o => o.PartitionCount = 4);
        var streams = Enumerable.Range(0, 12).Select(i => Stream($"s{i}")).ToList();
        Assert.True(streams.Select(harness.Mapper.GetQueueForStream).Distinct().Count() > 1, "the streams should spread over several partitions");
        var receivers = await harness.StartReceiversAsync();

        // Streams send concurrently (so sends to one queue are gathered into batches), each in order.
        await Task.WhenAll(streams.Select(async (stream, s) =>
        {
            for (var i = 0; i < 5; i++)
            {
                await harness.SendAsync(stream, $"{s}:{i}");
            }
        }));
        var received = await DrainAsync(receivers, expected: 60);

        var events = received.SelectMany(r => r.Batch.Events.Cast<string>()).ToList();
        Assert.Equal(60, events.Count);
        Assert.Equal(
            streams.SelectMany((_, s) => Enumerable.Range(0, 5).Select(i => $"{s}:{i}")).Order(StringComparer.Ordinal),
            events.Order(StringComparer.Ordinal));
        Assert.All(received, r => Assert.Equal(harness.Mapper.GetQueueForStream(r.Batch.StreamId), r.Queue));
        Assert.All(received, r => Assert.Equal(streams[int.Parse(((string)r.Batch.Events[0]).Split(':')[0], System.Globalization.CultureInfo.InvariantCulture)], r.Batch.StreamId));
        for (var partition = 0; partition < 4; partition++)
        {
            await WaitForEmptyAsync(harness, harness.QueueName(partition));
        }

        Assert.All(receivers, r => Assert.Equal(0, ((SqsQueueReceiver)r).HeldCount));
    }

    [Fact]
    public async Task GetQueueMessagesAsync_UnreadableMessage_GoesToDeadLetterQueueAndOthersAreDelivered()
    {
        await using var harness = await SqsAdapterHarness.CreateAsync(SqsEmulator.UniquePrefix("poison"));
        var receivers = await harness.StartReceiversAsync();
        var url = (await harness.Client.GetQueueUrlAsync(harness.QueueName(0))).QueueUrl;

        await harness.SendAsync(Stream("a"), "before");
        await harness.Client.SendMessageAsync(url, "this is not a stream batch");
        await harness.SendAsync(Stream("a"), "after");
        var received = await DrainAsync(receivers, expected: 2);

        Assert.Equal(["before", "after"], received.SelectMany(r => r.Batch.Events.Cast<string>()).Order(StringComparer.Ordinal).Reverse());
        var deadLetterUrl = (await harness.Client.GetQueueUrlAsync(harness.DeadLetterName)).QueueUrl;
        var deadLetters = await Poll.UntilAsync(
            async () => (await harness.Client.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = deadLetterUrl,
                MessageAttributeNames = ["All"],
                WaitTimeSeconds = 1,
            })).Messages ?? [],
            messages => messages.Count > 0,
            Deadline,
            "the unreadable message in the dead-letter queue");
        var deadLetter = Assert.Single(deadLetters);
        Assert.Equal("this is not a stream batch", deadLetter.Body);
        Assert.Contains("not an Orleans-serialized stream batch", deadLetter.MessageAttributes[SqsQueue.DeadLetterReasonAttribute].StringValue, StringComparison.Ordinal);
        Assert.Equal(harness.QueueName(0), deadLetter.MessageAttributes[SqsQueue.DeadLetterSourceAttribute].StringValue);
        await WaitForEmptyAsync(harness, harness.QueueName(0));
    }

    [Fact]
    public async Task GetQueueMessagesAsync_MessageHeldThreeTimesTheVisibilityTimeout_IsNotReceivedAgain()
    {
        var prefix = SqsEmulator.UniquePrefix("hold");
        await using var holder = await SqsAdapterHarness.CreateAsync(prefix);
        await using var rival = await SqsAdapterHarness.CreateAsync(prefix);
        var holding = await holder.StartReceiversAsync();
        var watching = await rival.StartReceiversAsync();
        await holder.SendAsync(Stream("slow"), "held");
        var received = await DrainAsync(holding, expected: 1, deliver: false);

        // The control: a message taken with the bare SDK, which nobody keeps hidden, must come back within the window.
        await holder.SendAsync(Stream("slow"), "control");
        var url = (await holder.Client.GetQueueUrlAsync(holder.QueueName(0))).QueueUrl;
        await Poll.UntilAsync(
            async () => (await holder.Client.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, WaitTimeSeconds = 1, VisibilityTimeout = 2 })).Messages?.Count ?? 0,
            count => count == 1,
            Deadline,
            "the control message to be taken with the SDK");

        // Another silo reads the same queue for 6 s (three 2 s visibility timeouts).
        var seenByRival = new List<SqsBatchContainer>();
        var window = Stopwatch.StartNew();
        while (window.Elapsed < holder.Options.VisibilityTimeout * 3)
        {
            var batches = await watching[0].GetQueueMessagesAsync(10, CancellationToken.None);
            seenByRival.AddRange(batches.Cast<SqsBatchContainer>());
            await watching[0].MessagesDeliveredAsync(batches, CancellationToken.None);
        }

        Assert.Equal(["control"], seenByRival.SelectMany(b => b.Events));
        Assert.Equal((0, 1), await SqsEmulator.CountsAsync(holder.Client, holder.QueueName(0)));
        await holding[0].MessagesDeliveredAsync([.. received.Select(r => (IBatchContainer)r.Batch)], CancellationToken.None);
        await WaitForEmptyAsync(holder, holder.QueueName(0));
    }

    [Fact]
    public async Task OnDeliveryFailure_DeliveryGivenUp_MessageIsOfferedAgain()
    {
        var prefix = SqsEmulator.UniquePrefix("failed");
        await using var holder = await SqsAdapterHarness.CreateAsync(prefix);
        await using var rival = await SqsAdapterHarness.CreateAsync(prefix);
        var holding = await holder.StartReceiversAsync();
        var watching = await rival.StartReceiversAsync();
        await holder.SendAsync(Stream("failing"), "undeliverable");
        var (queueId, batch) = Assert.Single(await DrainAsync(holding, expected: 1, deliver: false));

        var handler = await holder.Factory.GetDeliveryFailureHandler(queueId);
        await handler.OnDeliveryFailure(GuidId.GetNewGuidId(), SqsAdapterHarness.Provider, batch.StreamId, batch.SequenceToken);

        var again = await DrainAsync(watching, expected: 1);
        Assert.Equal("undeliverable", Assert.Single(again).Batch.Events.Single());
        Assert.Equal(0, ((SqsQueueReceiver)holding[0]).HeldCount);
    }

    [Fact]
    public async Task OnDeliveryFailure_RepeatedUpToMaxReceiveCount_RedrivePolicyMovesMessageToDeadLetterQueue()
    {
        await using var harness = await SqsAdapterHarness.CreateAsync(SqsEmulator.UniquePrefix("redrive"), o => o.MaxReceiveCount = 2);
        var receivers = await harness.StartReceiversAsync();
        var handler = await harness.Factory.GetDeliveryFailureHandler(((SqsQueueReceiver)receivers[0]).Id);
        await harness.SendAsync(Stream("failing"), "never delivered");

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var (_, batch) = Assert.Single(await DrainAsync(receivers, expected: 1, deliver: false));
            await handler.OnDeliveryFailure(GuidId.GetNewGuidId(), SqsAdapterHarness.Provider, batch.StreamId, batch.SequenceToken);
        }

        // The third receive finds the message over its limit, and SQS moves it instead of returning it.
        var deadLetterUrl = (await harness.Client.GetQueueUrlAsync(harness.DeadLetterName)).QueueUrl;
        var moved = await Poll.UntilAsync(
            async () =>
            {
                await receivers[0].GetQueueMessagesAsync(10, CancellationToken.None);
                return (await harness.Client.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = deadLetterUrl, WaitTimeSeconds = 1 })).Messages ?? [];
            },
            messages => messages.Count > 0,
            Deadline,
            "the message to be moved to the dead-letter queue by the redrive policy");
        Assert.Single(moved);
        await WaitForEmptyAsync(harness, harness.QueueName(0));
    }

    [Fact]
    public async Task Initialize_QueueExistsWithOtherSettings_UpdatesThemAndReads()
    {
        var prefix = SqsEmulator.UniquePrefix("changed");
        await using (var before = await SqsAdapterHarness.CreateAsync(prefix, o => o.MaxReceiveCount = 3))
        {
            await before.StartReceiversAsync();
        }

        await using var after = await SqsAdapterHarness.CreateAsync(prefix, o => { o.MaxReceiveCount = 4; o.VisibilityTimeout = TimeSpan.FromSeconds(7); });
        var receivers = await after.StartReceiversAsync();
        await after.SendAsync(Stream("changed"), "still works");

        Assert.Equal("still works", Assert.Single(await DrainAsync(receivers, expected: 1)).Batch.Events.Single());
        var url = (await after.Client.GetQueueUrlAsync(after.QueueName(0))).QueueUrl;
        var attributes = await after.Client.GetQueueAttributesAsync(url, ["VisibilityTimeout", "RedrivePolicy"]);
        Assert.Equal("7", attributes.Attributes["VisibilityTimeout"]);
        Assert.Contains("\"maxReceiveCount\":\"4\"", attributes.Attributes["RedrivePolicy"].Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueueMessageBatchAsync_QueueMissingAndCreationOff_FailsSayingSo()
    {
        await using var harness = await SqsAdapterHarness.CreateAsync(SqsEmulator.UniquePrefix("missing"), o => o.CreateIfNotExists = false);

        var error = await Assert.ThrowsAsync<SqsStreamException>(() => harness.SendAsync(Stream("missing"), "nowhere"));

        Assert.Contains($"SQS queue {harness.QueueName(0)} does not exist and CreateIfNotExists is off", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_UndeliveredMessages_AreOfferedAtOnceToTheNextReader()
    {
        var prefix = SqsEmulator.UniquePrefix("handover");
        Action<Plexus.Aws.Sqs.Options.SqsStreamOptions> configure = o => o.VisibilityTimeout = TimeSpan.FromMinutes(5);
        await using var leaving = await SqsAdapterHarness.CreateAsync(prefix, configure);
        await using var next = await SqsAdapterHarness.CreateAsync(prefix, configure);
        var leavingReceivers = await leaving.StartReceiversAsync();
        var nextReceivers = await next.StartReceiversAsync();
        await leaving.SendAsync(Stream("handover"), "pending");
        await DrainAsync(leavingReceivers, expected: 1, deliver: false);

        await leavingReceivers[0].Shutdown(TimeSpan.FromSeconds(5), CancellationToken.None);

        // Well within the 5-minute visibility timeout, so only the release at shutdown can explain it.
        var taken = await DrainAsync(nextReceivers, expected: 1);
        Assert.Equal("pending", Assert.Single(taken).Batch.Events.Single());
    }

    [Fact]
    public async Task QueueMessageBatchAsync_MessageOverTheSizeLimit_FailsNamingTheLimit()
    {
        await using var harness = await SqsAdapterHarness.CreateAsync(SqsEmulator.UniquePrefix("large"));

        var error = await Assert.ThrowsAsync<SqsStreamException>(() => harness.SendAsync(Stream("large"), new string('x', 300 * 1024)));

        Assert.Contains("larger than MaxMessageSize (262,144 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueueMessageBatchAsync_MessageNearOneMebibyteWithThatLimit_IsDelivered()
    {
        await using var harness = await SqsAdapterHarness.CreateAsync(SqsEmulator.UniquePrefix("mib"), o => o.MaxMessageSize = 1024 * 1024);
        var receivers = await harness.StartReceiversAsync();
        var large = new string('y', 700 * 1024);

        await harness.SendAsync(Stream("large"), large);

        Assert.Equal(large, Assert.Single(await DrainAsync(receivers, expected: 1)).Batch.Events.Single());
    }

    [Fact]
    public async Task QueueMessageBatchAsync_FifoQueues_DeliversEachStreamInOrder()
    {
        await using var harness = await SqsAdapterHarness.CreateAsync(SqsEmulator.UniquePrefix("fifo"), o => o.FifoQueues = true);
        var receivers = await harness.StartReceiversAsync();
        var streams = Enumerable.Range(0, 3).Select(i => Stream($"f{i}")).ToList();

        await Task.WhenAll(streams.Select(async stream =>
        {
            for (var i = 0; i < 15; i++)
            {
                await harness.SendAsync(stream, i);
            }
        }));
        var received = await DrainAsync(receivers, expected: 45);

        Assert.EndsWith(".fifo", harness.QueueName(0), StringComparison.Ordinal);
        foreach (var stream in streams)
        {
            Assert.Equal(Enumerable.Range(0, 15), received.Where(r => r.Batch.StreamId == stream).SelectMany(r => r.Batch.Events.Cast<int>()));
        }
    }

    [Fact]
    public async Task SqsClientFactory_NothingSet_ReachesTheEndpointFromTheEnvironment()
    {
        _ = SqsEmulator.ServiceUrl;
        using var client = SqsClientFactory.Create(new());

        var name = SqsEmulator.UniquePrefix("env");
        var created = await client.CreateQueueAsync(name);

        Assert.Equal(name, (await client.GetQueueUrlAsync(name)).QueueUrl.Split('/')[^1]);
        Assert.NotNull(created.QueueUrl);
    }

    [Fact]
    public async Task SqsClientFactory_ExplicitEndpointRegionAndKeys_ReachesThatEndpoint()
    {
        using var client = SqsClientFactory.Create(new()
        {
            ServiceUrl = SqsEmulator.ServiceUrl,
            Region = "eu-west-1",
            AccessKey = "explicit",
            SecretKey = "explicit-secret",
        });

        var name = SqsEmulator.UniquePrefix("explicit");
        await client.CreateQueueAsync(name);

        var urls = (await client.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = name })).QueueUrls ?? [];
        Assert.Contains(urls, url => url.EndsWith($"/{name}", StringComparison.Ordinal));
    }
}
