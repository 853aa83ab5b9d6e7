namespace Plexus.Actions;

/// <summary>Where an attempt ran.</summary>
/// <param name="Silo">The Orleans silo address of the worker.</param>
/// <param name="Host">The machine name of the worker.</param>
[GenerateSerializer, Alias("plexus.WorkerInfo")]
public sealed record WorkerInfo(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Host);
