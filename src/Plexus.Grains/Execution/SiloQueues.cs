using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Plexus.Commands;
using Plexus.Queues;

namespace Plexus.Execution;

/// <summary>
/// The queues this silo serves and which of them it reads now: its exact entries, and the queues the cluster has
/// published to that match its patterns (learned from the worker registry). Draining reads none.
/// </summary>
public sealed class SiloQueues
{
    private readonly ConcurrentDictionary<string, byte> _published = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private HashSet<string> _known = new(StringComparer.Ordinal);
    private bool _draining;

    /// <summary>Creates the set from <see cref="ExecutionOptions.ServedQueues"/>.</summary>
    public SiloQueues(IOptions<ExecutionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Entries = options.Value.ServedQueues;
    }

    /// <summary>Raised when <see cref="Reading"/> or <see cref="Draining"/> changes.</summary>
    public event EventHandler? Changed;

    /// <summary>Gets the entries this silo serves (queue names and patterns) with their concurrency.</summary>
    public IReadOnlyDictionary<string, int> Entries { get; }

    /// <summary>Gets whether the silo is stopping and takes no new work.</summary>
    public bool Draining
    {
        get
        {
            lock (_lock)
            {
                return _draining;
            }
        }
    }

    /// <summary>Gets the queues this silo has published envelopes to since it started.</summary>
    public IReadOnlyList<string> Published => [.. _published.Keys];

    /// <summary>Gets the concrete queues this silo reads: none while draining.</summary>
    public IReadOnlyCollection<string> Reading
    {
        get
        {
            lock (_lock)
            {
                if (_draining)
                {
                    return [];
                }

                var reading = new SortedSet<string>(Entries.Keys.Where(QueueNames.IsExact), StringComparer.Ordinal);
                reading.UnionWith(_known.Concat(_published.Keys).Where(Serves));
                return reading;
            }
        }
    }

    /// <summary>Returns the entry that takes <paramref name="queue"/> here, or <see langword="null"/> when this silo does not serve it.</summary>
    public string? EntryFor(string queue) => QueueNames.BestMatch(Entries.Keys, queue);

    /// <summary>Notes that this silo published an envelope to <paramref name="queue"/>.</summary>
    public void NotePublished(string queue)
    {
        if (_published.TryAdd(queue, 0) && Serves(queue) && !QueueNames.IsExact(EntryFor(queue)!))
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>Adds <paramref name="queues"/>, the queues the cluster knows, to those a pattern of this silo may read.</summary>
    public void Learn(IEnumerable<string> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        bool changed;
        lock (_lock)
        {
            var next = new HashSet<string>(_known, StringComparer.Ordinal);
            next.UnionWith(queues.Where(q => QueueNames.Problem(q) is null));
            changed = next.Where(Serves).Count() != _known.Where(Serves).Count();
            _known = next;
        }

        if (changed)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>Stops taking new work: from now on <see cref="Reading"/> is empty.</summary>
    public void StartDraining()
    {
        lock (_lock)
        {
            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    private bool Serves(string queue) => EntryFor(queue) is not null;
}
