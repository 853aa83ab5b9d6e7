namespace Plexus.Actions;

/// <summary>
/// The small message on the command stream that tells a worker an attempt is ready.
/// Everything else is read from the action grain, which decides whether the attempt may start.
/// </summary>
[GenerateSerializer, Alias("plexus.CommandEnvelope")]
public sealed record CommandEnvelope(
    [property: Id(0)] Guid ActionId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string Queue = Queues.QueueNames.Default);
