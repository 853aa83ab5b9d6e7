using Orleans.Streams;
using Plexus.Actions;

namespace Plexus.Execution;

/// <summary>
/// Where command envelopes travel: one stream provider; each Plexus queue is a stream namespace of its own
/// (<c>plexus.commands/gpu</c>), spread over a fixed set of streams. A provider that keeps a queue per namespace
/// (the SQS one) so delivers a queue's envelopes only to the silos that read it.
/// </summary>
public static class CommandStreams
{
    /// <summary>The name of the stream provider that carries command envelopes.</summary>
    public const string ProviderName = "commands";

    /// <summary>The start of every command stream namespace; the rest is the queue name.</summary>
    public const string NamespacePrefix = "plexus.commands/";

    /// <summary>The pattern of the namespaces the workers subscribe to implicitly.</summary>
    public const string NamespacePattern = @"^plexus\.commands/";

    // Envelopes are spread over several streams so several workers (and silos) consume in parallel,
    // while the set stays small enough that consumer activations are reused rather than made per action.
    private const int StreamCount = 16;

    /// <summary>Gets the stream namespace of <paramref name="queue"/>.</summary>
    public static string NamespaceOf(string queue) => NamespacePrefix + queue;

    /// <summary>Gets the queue a command stream namespace belongs to, or <see langword="null"/> for another namespace.</summary>
    public static string? QueueOf(string streamNamespace) =>
        streamNamespace.StartsWith(NamespacePrefix, StringComparison.Ordinal) ? streamNamespace[NamespacePrefix.Length..] : null;

    /// <summary>Gets the stream that carries the envelopes of <paramref name="actionId"/> in <paramref name="queue"/>.</summary>
    public static StreamId For(Guid actionId, string queue) =>
        StreamId.Create(NamespaceOf(queue), $"{(uint)actionId.GetHashCode() % StreamCount}");

    /// <summary>Publishes <paramref name="envelope"/> on its stream.</summary>
    public static Task PublishAsync(IStreamProvider provider, CommandEnvelope envelope) =>
        provider.GetStream<CommandEnvelope>(For(envelope.ActionId, envelope.Queue)).OnNextAsync(envelope);
}
