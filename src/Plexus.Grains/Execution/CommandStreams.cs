using Orleans.Streams;
using Plexus.Actions;

namespace Plexus.Execution;

/// <summary>Where command envelopes travel: one stream provider, spread over a fixed set of streams.</summary>
public static class CommandStreams
{
    /// <summary>The name of the stream provider that carries command envelopes.</summary>
    public const string ProviderName = "commands";

    /// <summary>The stream namespace the workers subscribe to implicitly.</summary>
    public const string Namespace = "plexus.commands";

    // Envelopes are spread over several streams so several workers (and silos) consume in parallel,
    // while the set stays small enough that consumer activations are reused rather than made per action.
    private const int StreamCount = 16;

    /// <summary>Gets the stream that carries the envelopes of <paramref name="actionId"/>.</summary>
    public static StreamId For(Guid actionId) =>
        StreamId.Create(Namespace, $"default-{(uint)actionId.GetHashCode() % StreamCount}");

    /// <summary>Publishes <paramref name="envelope"/> on its stream.</summary>
    public static Task PublishAsync(IStreamProvider provider, CommandEnvelope envelope) =>
        provider.GetStream<CommandEnvelope>(For(envelope.ActionId)).OnNextAsync(envelope);
}
