using Orleans.Streams;
using Orleans.Streams.Core;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>An event on the probe streams: its number and how long the consumer works on it.</summary>
[GenerateSerializer, Alias("plexus.tests.SqsProbeEvent")]
public sealed record SqsProbeEvent([property: Id(0)] int Number, [property: Id(1)] TimeSpan Work);

/// <summary>What one probe consumer has seen.</summary>
[GenerateSerializer, Alias("plexus.tests.SqsProbeReport")]
public sealed record SqsProbeReport([property: Id(0)] IReadOnlyList<int> Received, [property: Id(1)] string Silo)
{
    public override string ToString() => $"[{string.Join(", ", Received)}] on {Silo}";
}

[Alias("plexus.tests.ISqsProbeConsumerGrain")]
public interface ISqsProbeConsumerGrain : IGrainWithStringKey
{
    /// <summary>Gets every event number received, in order, duplicates included.</summary>
    [Alias("report")]
    Task<SqsProbeReport> GetReportAsync();
}

/// <summary>
/// Consumes the probe stream of its own key through an implicit subscription, recording every event it is given
/// (so duplicates show) and working on each as long as the event asks.
/// </summary>
[ImplicitStreamSubscription(SqsClusterFixture.Namespace)]
public sealed class SqsProbeConsumerGrain : Grain, ISqsProbeConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<SqsProbeEvent>
{
    private readonly List<int> _received = [];

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<SqsProbeEvent>().ResumeAsync(this);

    public async Task OnNextAsync(SqsProbeEvent item, StreamSequenceToken? token = null)
    {
        _received.Add(item.Number);
        if (item.Work > TimeSpan.Zero)
        {
            await Task.Delay(item.Work);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public Task<SqsProbeReport> GetReportAsync() => Task.FromResult(new SqsProbeReport([.. _received], RuntimeIdentity));
}
