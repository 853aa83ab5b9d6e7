using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace Plexus.Aws.Sqs.Streams;

/// <summary>
/// The events of one <c>OnNextAsync</c>/<c>OnNextBatchAsync</c> call on one stream: the body of one SQS message
/// (Orleans-serialized, base64) and what the pulling agent delivers to consumers.
/// </summary>
[GenerateSerializer]
[Alias("plexus.aws.sqs.SqsBatchContainer")]
public sealed class SqsBatchContainer : IBatchContainer
{
    /// <summary>Initializes a new container for <paramref name="events"/> on <paramref name="streamId"/>.</summary>
    public SqsBatchContainer(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        StreamId = streamId;
        Events = events;
        RequestContext = requestContext;
    }

    /// <inheritdoc />
    [Id(0)]
    public StreamId StreamId { get; }

    /// <summary>Gets the events, in the order they were produced.</summary>
    [Id(1)]
    public List<object> Events { get; }

    /// <summary>Gets the request context of the producer, if it had one.</summary>
    [Id(2)]
    public Dictionary<string, object>? RequestContext { get; }

    /// <summary>Gets the token the receiver gave the batch (none in the SQS message itself).</summary>
    [Id(3)]
    public EventSequenceTokenV2? Token { get; internal set; }

    /// <inheritdoc />
    public StreamSequenceToken SequenceToken =>
        Token ?? throw new InvalidOperationException("The batch has not been received from a queue yet.");

    /// <summary>The SQS message id; set on receive, never serialized.</summary>
    [NonSerialized]
    internal string? MessageId;

    /// <inheritdoc />
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        var token = Token ?? throw new InvalidOperationException("The batch has not been received from a queue yet.");
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

    /// <inheritdoc />
    public override string ToString() => $"[SqsBatchContainer: stream {StreamId}, {Events.Count} events, token {Token}]";
}
