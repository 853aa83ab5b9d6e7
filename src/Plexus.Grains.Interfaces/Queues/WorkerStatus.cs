namespace Plexus.Queues;

/// <summary>One entry a silo serves: a queue or a pattern of queues, with its own concurrency.</summary>
/// <param name="Queue">The queue name or pattern (<c>gpu</c>, <c>eval/*</c>, <c>*</c>; see <see cref="QueueNames"/>).</param>
/// <param name="Concurrency">How many of its commands the silo runs at once.</param>
/// <param name="Running">How many of its commands run now.</param>
[GenerateSerializer, Alias("plexus.ServedQueue")]
public sealed record ServedQueue(
    [property: Id(0)] string Queue,
    [property: Id(1)] int Concurrency,
    [property: Id(2)] int Running);

/// <summary>A silo's worker pool, as <c>plexus-client workers</c> lists it.</summary>
/// <param name="Silo">The Orleans silo address.</param>
/// <param name="Host">The machine name.</param>
/// <param name="Queues">What it serves, most specific first.</param>
/// <param name="StartedAt">When its worker pool started.</param>
/// <param name="LastHeartbeat">When it last reported.</param>
/// <param name="Draining">Whether it is stopping: it takes no new work and lets its running commands finish.</param>
[GenerateSerializer, Alias("plexus.WorkerStatus")]
public sealed record WorkerStatus(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Host,
    [property: Id(2)] IReadOnlyList<ServedQueue> Queues,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] DateTimeOffset LastHeartbeat,
    [property: Id(5)] bool Draining)
{
    /// <summary>Gets how many commands the silo runs now.</summary>
    public int Running => Queues.Sum(q => q.Running);

    /// <summary>Gets whether the silo takes new work of <paramref name="queue"/>.</summary>
    public bool Serves(string queue) => !Draining && QueueNames.BestMatch(Queues.Select(q => q.Queue), queue) is not null;
}

/// <summary>What a silo's worker pool sends the registry on every heartbeat.</summary>
/// <param name="Status">Its state now.</param>
/// <param name="Published">The queues this silo published commands to, so silos serving patterns learn of them.</param>
[GenerateSerializer, Alias("plexus.WorkerHeartbeat")]
public sealed record WorkerHeartbeat(
    [property: Id(0)] WorkerStatus Status,
    [property: Id(1)] IReadOnlyList<string> Published);

/// <summary>Why a queued action has not started, when the cluster can tell.</summary>
public static class Waiting
{
    /// <summary>Returns "no silo serves queue X" when no live silo of <paramref name="workers"/> serves <paramref name="queue"/>, else <see langword="null"/>.</summary>
    public static string? Reason(string queue, IEnumerable<WorkerStatus> workers) =>
        workers.Any(w => w.Serves(queue)) ? null : $"no silo serves queue {queue}";
}
