using Plexus.Actions;

namespace Plexus.Artifacts;

/// <summary>Where one artifact is kept: its action, the attempt that wrote it, and its name (see <see cref="ArtifactNames"/>).</summary>
public readonly record struct ArtifactKey
{
    /// <summary>Creates the key; throws <see cref="PlexusException"/> saying why for a name that could escape the artifacts folder.</summary>
    public ArtifactKey(Guid actionId, int attempt, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ActionId = actionId;
        Attempt = attempt;
        Name = ArtifactNames.Require(name);
    }

    /// <summary>Gets the action the artifact belongs to.</summary>
    public Guid ActionId { get; }

    /// <summary>Gets the attempt that wrote it: each attempt keeps its own set.</summary>
    public int Attempt { get; }

    /// <summary>Gets its name, a relative path with <c>/</c> between folders.</summary>
    public string Name { get; }
}

/// <summary>
/// Keeps the files commands write under <c>$PLEXUS_ARTIFACTS_DIR</c>, per action and attempt: in the data folder in the
/// embedded default (<see cref="FileArtifactStore"/>), in S3 in the <c>Aws</c> profile. Every backend passes the same
/// contract tests.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing what was there; nothing partial is ever visible.</summary>
    Task PutAsync(ArtifactKey key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes of <paramref name="key"/> from <paramref name="offset"/>; returns
    /// <see langword="null"/> when nothing is kept under that key.
    /// </summary>
    Task<ArtifactChunk?> ReadAsync(ArtifactKey key, long offset, int count, CancellationToken cancellationToken = default);

    /// <summary>Removes every artifact of <paramref name="actionId"/>, of every attempt; nothing kept is no error.</summary>
    Task DeleteActionAsync(Guid actionId, CancellationToken cancellationToken = default);
}

/// <summary>The store of a silo that keeps no artifacts: every file is refused with the reason.</summary>
public sealed class NoArtifactStore : IArtifactStore
{
    private const string Reason = "This silo keeps no artifacts: no artifact store is configured.";

    /// <inheritdoc />
    public Task PutAsync(ArtifactKey key, Stream content, CancellationToken cancellationToken = default) => throw new PlexusException(Reason);

    /// <inheritdoc />
    public Task<ArtifactChunk?> ReadAsync(ArtifactKey key, long offset, int count, CancellationToken cancellationToken = default) =>
        Task.FromResult<ArtifactChunk?>(null);

    /// <inheritdoc />
    public Task DeleteActionAsync(Guid actionId, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
