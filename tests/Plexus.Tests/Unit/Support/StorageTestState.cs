namespace Plexus.Tests.Unit.Support;

/// <summary>A grain state for storage tests, serialized by the Orleans serializer like real grain state.</summary>
[GenerateSerializer, Alias("plexus.tests.StorageTestState")]
public sealed record StorageTestState
{
    [Id(0)] public string Text { get; init; } = "";

    [Id(1)] public int Number { get; init; }
}
