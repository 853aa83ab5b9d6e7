using Orleans.Streams;
using Orleans.Streams.Core;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>An event on the probe streams: its number and how long the consumer works on it.</summary>
[GenerateSerializer, Alias("plexus.tests.StreamProbeEvent")]
public sealed record StreamProbeEvent([property: Id(0)] int Number, [property: Id(1)] TimeSpan Work);

/// <summary>What one probe consumer has seen.</summary>
[GenerateSerializer, Alias("plexus.tests.StreamProbeReport")]
public sealed record StreamProbeReport([property: Id(0)] IReadOnlyList<int> Received, [property: Id(1)] string Silo)
{
    public override string ToString() => $"[{string.Join(", ", Received)}] on {Silo}";
}

[Alias("plexus.tests.IStreamProbeConsumerGrain")]
public interface IStreamProbeConsumerGrain : IGrainWithStringKey
{
    /// <summary>Gets every event number received, in order, duplicates included.</summary>
    [Alias("report")]
    Task<StreamProbeReport> GetReportAsync();
}

/// <summary>
/// Consumes the probe stream of its own key through an implicit subscription, recording every event it is given
/// (so duplicates show) and working on each as long as the event asks.
/// </summary>
[ImplicitStreamSubscription(Namespace)]
public sealed class StreamProbeConsumerGrain : Grain, IStreamProbeConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<StreamProbeEvent>
{
    /// <summary>The stream namespace the probe consumers subscribe to implicitly.</summary>
    public const string Namespace = "plexus.tests.probe";

    private readonly List<int> _received = [];

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<StreamProbeEvent>().ResumeAsync(this);

    public async Task OnNextAsync(StreamProbeEvent item, StreamSequenceToken? token = null)
    {
        _received.Add(item.Number);
        if (item.Work > TimeSpan.Zero)
        {
            await Task.Delay(item.Work);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public Task<StreamProbeReport> GetReportAsync() => Task.FromResult(new StreamProbeReport([.. _received], RuntimeIdentity));
}
