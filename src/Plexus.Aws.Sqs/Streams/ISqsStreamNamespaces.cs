namespace Plexus.Aws.Sqs.Streams;

/// <summary>
/// Which stream namespaces a silo reads when its SQS provider keeps a queue per namespace
/// (<see cref="Options.SqsStreamOptions.QueuePerNamespace"/>). Registered as a keyed service under the provider's name.
/// </summary>
public interface ISqsStreamNamespaces
{
    /// <summary>Raised when <see cref="Reading"/> changes; the silo then starts or stops reading queues.</summary>
    event EventHandler? Changed;

    /// <summary>Gets the namespaces this silo reads now (every partition of each).</summary>
    IReadOnlyCollection<string> Reading { get; }
}
