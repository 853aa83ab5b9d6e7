namespace Plexus.Actions;

/// <summary>A file a step wrote under <c>$PLEXUS_ARTIFACTS_DIR</c>, kept with the action.</summary>
/// <param name="Name">Its path relative to the artifacts folder, with <c>/</c> between folders.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">The SHA-256 of its content, lower-case hex.</param>
/// <param name="Step">The step that wrote it, from 1.</param>
/// <param name="Attempt">The attempt that wrote it: each attempt keeps its own set.</param>
[GenerateSerializer, Alias("plexus.ArtifactInfo")]
public sealed record ArtifactInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] long Size,
    [property: Id(2)] string Sha256,
    [property: Id(3)] int Step,
    [property: Id(4)] int Attempt);

/// <summary>A file under <c>$PLEXUS_ARTIFACTS_DIR</c> that was not kept.</summary>
/// <param name="Name">Its path relative to the artifacts folder.</param>
/// <param name="Reason">Why it was not kept: a limit, a link out of the folder, an unreadable file.</param>
[GenerateSerializer, Alias("plexus.ArtifactRefusal")]
public sealed record ArtifactRefusal(
    [property: Id(0)] string Name,
    [property: Id(1)] string Reason);

/// <summary>A part of a kept artifact's content, as <see cref="IActionGrain.ReadArtifactAsync"/> returns it.</summary>
/// <param name="Data">The bytes from the offset asked for; empty past the end.</param>
/// <param name="TotalSize">The artifact's whole size in bytes.</param>
[GenerateSerializer, Alias("plexus.ArtifactChunk")]
public sealed record ArtifactChunk(
    [property: Id(0)] byte[] Data,
    [property: Id(1)] long TotalSize);

/// <summary>
/// The rule an artifact's name follows: a relative path inside the artifacts folder, with <c>/</c> between folders,
/// that cannot escape it. Checked when a file is kept, by every store, and for every name a caller asks for.
/// </summary>
public static class ArtifactNames
{
    /// <summary>The longest name, in characters.</summary>
    public const int MaxLength = 1024;

    /// <summary>The largest part <see cref="IActionGrain.ReadArtifactAsync"/> returns at once: 1 MiB.</summary>
    public const int MaxChunkBytes = 1 << 20;

    /// <summary>Returns why <paramref name="name"/> cannot name an artifact, or <see langword="null"/> when it can.</summary>
    public static string? Problem(string? name) => name switch
    {
        null or "" => "The artifact name is empty.",
        { Length: > MaxLength } => $"The artifact name is longer than {MaxLength} characters.",
        _ when name.Any(char.IsControl) => "The artifact name holds a control character.",
        _ when name.StartsWith('/') => $"The artifact name '{name}' is an absolute path; names are relative to the artifacts folder.",
        _ when name.Contains('\\', StringComparison.Ordinal) => $"The artifact name '{name}' holds a backslash; folders are separated by '/'.",
        _ when name.Split('/').Any(part => part is "" or "." or "..") =>
            $"The artifact name '{name}' has an empty, '.' or '..' part; names cannot leave the artifacts folder.",
        _ => null,
    };

    /// <summary>Throws <see cref="PlexusException"/> saying why when <paramref name="name"/> cannot name an artifact.</summary>
    public static string Require(string? name) => Problem(name) is { } problem ? throw new PlexusException(problem) : name!;
}
