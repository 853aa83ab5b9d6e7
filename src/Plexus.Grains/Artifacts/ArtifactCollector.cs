using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Actions;
using Plexus.Execution;

namespace Plexus.Artifacts;

/// <summary>What a step left under <c>$PLEXUS_ARTIFACTS_DIR</c>: the files kept, and those refused with the reason.</summary>
public sealed record CollectedArtifacts(IReadOnlyList<ArtifactInfo> Kept, IReadOnlyList<ArtifactRefusal> Refused);

/// <summary>
/// Keeps the files a step wrote under its artifacts folder once it ended (succeeded, failed or stopped): every
/// regular file (pipes, sockets and devices are refused), in name order, within the attempt's
/// <see cref="ArtifactBudget"/>. A symbolic link is kept as the file it points to only when that file is inside the
/// folder: links are never followed out of it (a link to <c>/etc/passwd</c> is refused, not read). Never throws for what a command left: every file not kept is a refusal
/// with its reason.
/// </summary>
public sealed partial class ArtifactCollector(IArtifactStore store, IOptions<ArtifactOptions> options, ILogger<ArtifactCollector> logger)
{
    /// <summary>Gets the limits of a new attempt.</summary>
    public ArtifactBudget NewBudget() => new(options.Value);

    /// <summary>Keeps the files under <paramref name="folder"/> as artifacts of step <paramref name="step"/> of attempt <paramref name="attempt"/>.</summary>
    public async Task<CollectedArtifacts> CollectAsync(
        string folder, Guid actionId, int attempt, int step, ArtifactBudget budget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(budget);
        var kept = new List<ArtifactInfo>();
        var refused = new List<ArtifactRefusal>();
        if (!Directory.Exists(folder))
        {
            return new CollectedArtifacts(kept, refused);
        }

        var root = Path.GetFullPath(folder);
        foreach (var (name, entry) in Walk(root, refused))
        {
            var source = entry;
            if (entry.LinkTarget is not null)
            {
                var target = entry.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null || !Inside(root, target.FullName) || target is not FileInfo { Exists: true } file)
                {
                    refused.Add(new ArtifactRefusal(name, $"It is a symbolic link to '{entry.LinkTarget}', which is not a file inside the artifacts folder; links are not followed out of it."));
                    continue;
                }

                source = file;
            }

            // A pipe left in the folder would block the reading of it until some writer came, which none will.
            if (!LinuxInterop.IsRegularFile(source.FullName))
            {
                refused.Add(new ArtifactRefusal(name, "It is not a regular file (a pipe, socket or device); only files are kept."));
                continue;
            }

            if (ArtifactNames.Problem(name) is { } problem)
            {
                refused.Add(new ArtifactRefusal(name, problem));
                continue;
            }

            var size = ((FileInfo)source).Length;
            if (budget.Refuses(size) is { } reason)
            {
                refused.Add(new ArtifactRefusal(name, reason));
                continue;
            }

            try
            {
                var sha256 = await KeepAsync(new ArtifactKey(actionId, attempt, name), source.FullName, cancellationToken).ConfigureAwait(false);
                budget.Add(size);
                kept.Add(new ArtifactInfo(name, size, sha256, step, attempt));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlexusException or HttpRequestException
                || ex.GetType().Namespace?.StartsWith("Amazon", StringComparison.Ordinal) == true)
            {
                LogNotKept(ex, actionId, attempt, name);
                refused.Add(new ArtifactRefusal(name, $"It could not be kept: {ex.Message}"));
            }
        }

        return new CollectedArtifacts(kept, refused);
    }

    // Hashes the file as it is stored: what is listed is exactly what was kept.
    private async Task<string> KeepAsync(ArtifactKey key, string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var hashing = new HashingStream(file, hash);
        await store.PutAsync(key, hashing, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // Every file and link under the folder, by relative name in ordinal order; a folder that is a link is not entered.
    private static IEnumerable<(string Name, FileSystemInfo Entry)> Walk(string root, List<ArtifactRefusal> refused)
    {
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(root)]);
        var found = new List<(string, FileSystemInfo)>();
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            FileSystemInfo[] entries;
            try
            {
                entries = directory.GetFileSystemInfos();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                refused.Add(new ArtifactRefusal(Relative(root, directory.FullName), $"The folder could not be read: {ex.Message}"));
                continue;
            }

            foreach (var entry in entries)
            {
                var name = Relative(root, entry.FullName);
                switch (entry)
                {
                    case DirectoryInfo sub when sub.LinkTarget is null:
                        pending.Push(sub);
                        break;
                    case DirectoryInfo link:
                        refused.Add(new ArtifactRefusal(name, $"It is a symbolic link to the folder '{link.LinkTarget}'; links to folders are not followed."));
                        break;
                    default:
                        found.Add((name, entry));
                        break;
                }
            }
        }

        return found.OrderBy(f => f.Item1, StringComparer.Ordinal);
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

    private static bool Inside(string root, string path) =>
        Path.GetFullPath(path).StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Action {ActionId} attempt {Attempt}: the artifact {Name} could not be kept")]
    private partial void LogNotKept(Exception exception, Guid actionId, int attempt, string name);

    /// <summary>A read-only stream that feeds what is read through a hash.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            hash.AppendData(buffer[..read]);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            hash.AppendData(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
