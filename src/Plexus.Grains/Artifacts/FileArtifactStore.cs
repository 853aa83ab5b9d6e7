using Plexus.Actions;

namespace Plexus.Artifacts;

/// <summary>
/// The embedded default's artifact store: files under <c>&lt;data folder&gt;/artifacts/&lt;action&gt;/&lt;attempt&gt;/&lt;name&gt;</c>.
/// A file is written beside its place under a temporary name and moved there, so a reader never sees half of it.
/// </summary>
public sealed class FileArtifactStore(string root) : IArtifactStore
{
    /// <summary>The folder, under the data folder, that holds the artifacts.</summary>
    public const string FolderName = "artifacts";

    // Where files are written before they are moved into place: outside every action's folder, so no name can meet it.
    private string Incoming => Path.Combine(root, ".incoming");

    /// <inheritdoc />
    public async Task PutAsync(ArtifactKey key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        Directory.CreateDirectory(Incoming);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(Incoming, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc />
    public async Task<ArtifactChunk?> ReadAsync(ArtifactKey key, long offset, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        var size = file.Length;
        var buffer = new byte[(int)Math.Clamp(size - offset, 0, count)];
        file.Position = Math.Min(offset, size);
        await file.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        return new ArtifactChunk(buffer, size);
    }

    /// <inheritdoc />
    public Task DeleteActionAsync(Guid actionId, CancellationToken cancellationToken = default)
    {
        var folder = Path.Combine(root, actionId.ToString("N"));
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    // The key's name was checked (ArtifactNames): it stays inside the attempt's folder. Checked again, since a path
    // outside it would be the worst bug this class could have.
    private string PathOf(ArtifactKey key)
    {
        var folder = Path.GetFullPath(Path.Combine(root, key.ActionId.ToString("N"), key.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var path = Path.GetFullPath(Path.Combine(folder, key.Name));
        return path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new PlexusException($"The artifact name '{key.Name}' leaves the artifacts folder.");
    }
}

/// <summary>Registers the artifact store of the embedded default.</summary>
public static class FileArtifactStoreExtensions
{
    /// <summary>Keeps artifacts in files under <paramref name="folder"/> (the embedded default: <c>&lt;data folder&gt;/artifacts</c>).</summary>
    public static Orleans.Hosting.ISiloBuilder UseFileArtifactStore(this Orleans.Hosting.ISiloBuilder builder, string folder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IArtifactStore>(builder.Services, new FileArtifactStore(folder));
        return builder;
    }
}
