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
