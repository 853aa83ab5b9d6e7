using Orleans.Runtime;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace Plexus.Streams.Local;

/// <summary>The events of one <c>OnNextAsync</c>/<c>OnNextBatchAsync</c> call on one stream, as a local queue holds them.</summary>
[GenerateSerializer]
[Immutable]
[Alias("plexus.streams.local.LocalQueueBatch")]
public sealed record LocalQueueBatch(
    [property: Id(0)] StreamId StreamId,
    [property: Id(1)] IReadOnlyList<object> Events,
    [property: Id(2)] Dictionary<string, object>? RequestContext,
    [property: Id(3)] EventSequenceTokenV2? Token = null) : IBatchContainer
{
    /// <inheritdoc />
    public StreamSequenceToken SequenceToken =>
        Token ?? throw new InvalidOperationException("The batch has not been enqueued yet.");

    /// <inheritdoc />
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        var token = (EventSequenceTokenV2)SequenceToken;
        return Events.OfType<T>().Select((e, i) => Tuple.Create<T, StreamSequenceToken>(e, token.CreateSequenceTokenForEvent(i)));
    }

    /// <inheritdoc />
    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }

        RequestContextExtensions.Import(RequestContext);
        return true;
    }
}
