using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Orleans.Runtime;
using Orleans.Streams;

namespace Plexus.Aws.Sqs.Streams;

/// <summary>
/// Maps each stream namespace to queues of its own, <see cref="Options.SqsStreamOptions.PartitionCount"/> of them
/// (a stream goes to one by the hash of its key), and lists as "all queues" only those of the namespaces this silo
/// reads: a silo receives nothing of a namespace it does not read.
/// </summary>
internal sealed class SqsNamespaceQueueMapper(int partitionCount, ISqsStreamNamespaces? namespaces) : IStreamQueueMapper
{
    /// <summary>Gets the namespaces this silo reads; none on a client.</summary>
    public ISqsStreamNamespaces? Namespaces => namespaces;

    /// <inheritdoc />
    public IEnumerable<QueueId> GetAllQueues() =>
        (namespaces?.Reading ?? []).SelectMany(ns => Enumerable.Range(0, partitionCount).Select(p => QueueFor(ns, (uint)p)));

    /// <inheritdoc />
    public QueueId GetQueueForStream(StreamId streamId) =>
        QueueFor(streamId.GetNamespace() ?? "", Hash(streamId.Key.Span) % (uint)partitionCount);

    /// <summary>Gets the queue of partition <paramref name="partition"/> of <paramref name="streamNamespace"/>.</summary>
    public static QueueId QueueFor(string streamNamespace, uint partition) =>
        QueueId.GetQueueId(streamNamespace, partition, Hash(Encoding.UTF8.GetBytes($"{streamNamespace}#{partition}")));

    private static uint Hash(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32LittleEndian(SHA256.HashData(bytes));
}

/// <summary>
/// Gives a silo every queue of the namespaces it reads: silos reading the same namespace share its queues as
/// competing SQS consumers (a message goes to one of them), so no queue waits for a silo that does not serve it.
/// </summary>
internal sealed class SqsNamespaceQueueBalancer : IStreamQueueBalancer
{
    private readonly List<IStreamQueueBalanceListener> _listeners = [];
    private readonly Lock _lock = new();
    private SqsNamespaceQueueMapper? _mapper;

    /// <inheritdoc />
    public Task Initialize(IStreamQueueMapper queueMapper)
    {
        _mapper = queueMapper as SqsNamespaceQueueMapper
            ?? throw new ArgumentException("The queue-per-namespace balancer needs the SQS provider's queue-per-namespace mapper.", nameof(queueMapper));
        if (_mapper.Namespaces is { } namespaces)
        {
            namespaces.Changed += OnChanged;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task Shutdown()
    {
        if (_mapper?.Namespaces is { } namespaces)
        {
            namespaces.Changed -= OnChanged;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public IEnumerable<QueueId> GetMyQueues() => _mapper?.GetAllQueues().ToList() ?? [];

    /// <inheritdoc />
    public bool SubscribeToQueueDistributionChangeEvents(IStreamQueueBalanceListener queueBalanceListener)
    {
        lock (_lock)
        {
            _listeners.Add(queueBalanceListener);
        }

        return true;
    }

    /// <inheritdoc />
    public bool UnSubscribeFromQueueDistributionChangeEvents(IStreamQueueBalanceListener queueBalanceListener)
    {
        lock (_lock)
        {
            return _listeners.Remove(queueBalanceListener);
        }
    }

    private void OnChanged(object? sender, EventArgs e)
    {
        List<IStreamQueueBalanceListener> listeners;
        lock (_lock)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            _ = listener.QueueDistributionChangeNotification();
        }
    }
}
