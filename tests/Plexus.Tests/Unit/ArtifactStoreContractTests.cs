using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plexus.Actions;
using Plexus.Artifacts;

namespace Plexus.Tests.Unit;

/// <summary>
/// What every artifact store must do, whatever it keeps files in, and what the worker's collector keeps through it:
/// one subclass per backend supplies the store (the data folder here, S3 on its emulator in the Aws tests).
/// </summary>
public abstract class ArtifactStoreContractTests : IAsyncLifetime
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("plexus-artifacts-test-").FullName;

    /// <summary>Gets the store under test.</summary>
    protected IArtifactStore Store { get; private set; } = null!;

    /// <summary>Creates the backend's store, empty.</summary>
    protected abstract Task<IArtifactStore> CreateStoreAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync()
    {
        Directory.Delete(_scratch, recursive: true);
        return Task.CompletedTask;
    }

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    private ArtifactCollector Collector(ArtifactOptions? options = null) =>
        new(Store, Options.Create(options ?? new ArtifactOptions()), NullLogger<ArtifactCollector>.Instance);

    private string Folder(params (string Name, string Text)[] files)
    {
        var folder = Directory.CreateTempSubdirectory("step-").FullName;
        foreach (var (name, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, name))!);
            File.WriteAllText(Path.Combine(folder, name), text);
        }

        return folder;
    }

    [Fact]
    public async Task Put_ThenRead_ReturnsTheContentAndRangesOfIt()
    {
        var key = new ArtifactKey(Guid.NewGuid(), 1, "reports/accuracy.json");
        await Store.PutAsync(key, Text("0123456789"));

        var all = await Store.ReadAsync(key, 0, 100);
        var middle = await Store.ReadAsync(key, 3, 4);
        var past = await Store.ReadAsync(key, 20, 4);

        Assert.Equal("0123456789", Encoding.UTF8.GetString(all!.Data));
        Assert.Equal(10, all.TotalSize);
        Assert.Equal("3456", Encoding.UTF8.GetString(middle!.Data));
        Assert.Empty(past!.Data);
        Assert.Equal(10, past.TotalSize);
    }

    [Fact]
    public async Task Read_NothingKept_IsNull() =>
        Assert.Null(await Store.ReadAsync(new ArtifactKey(Guid.NewGuid(), 1, "missing.txt"), 0, 10));

    [Fact]
    public async Task Put_SameNameInTwoAttempts_KeepsEachAttemptsOwn()
    {
        var id = Guid.NewGuid();
        await Store.PutAsync(new ArtifactKey(id, 1, "out.txt"), Text("first"));
        await Store.PutAsync(new ArtifactKey(id, 2, "out.txt"), Text("second"));

        Assert.Equal("first", Encoding.UTF8.GetString((await Store.ReadAsync(new ArtifactKey(id, 1, "out.txt"), 0, 100))!.Data));
        Assert.Equal("second", Encoding.UTF8.GetString((await Store.ReadAsync(new ArtifactKey(id, 2, "out.txt"), 0, 100))!.Data));
    }

    [Fact]
    public async Task DeleteAction_RemovesEveryAttemptsArtifactsAndNoOtherActions()
    {
        var (gone, kept) = (Guid.NewGuid(), Guid.NewGuid());
        await Store.PutAsync(new ArtifactKey(gone, 1, "a.txt"), Text("a"));
        await Store.PutAsync(new ArtifactKey(gone, 2, "deep/b.txt"), Text("b"));
        await Store.PutAsync(new ArtifactKey(kept, 1, "a.txt"), Text("c"));

        await Store.DeleteActionAsync(gone);
        await Store.DeleteActionAsync(Guid.NewGuid());

        Assert.Null(await Store.ReadAsync(new ArtifactKey(gone, 1, "a.txt"), 0, 10));
        Assert.Null(await Store.ReadAsync(new ArtifactKey(gone, 2, "deep/b.txt"), 0, 10));
        Assert.NotNull(await Store.ReadAsync(new ArtifactKey(kept, 1, "a.txt"), 0, 10));
    }

    [Theory]
    [InlineData("../x", "'..' part")]
    [InlineData("a/../../x", "'..' part")]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("", "empty")]
    [InlineData("a\\b", "backslash")]
    public void Key_HostileName_IsRefusedWithTheReason(string name, string reason)
    {
        var error = Assert.Throws<PlexusException>(() => new ArtifactKey(Guid.NewGuid(), 1, name));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_FilesOfAStep_AreKeptWithSizeSha256StepAndAttempt()
    {
        var id = Guid.NewGuid();
        var folder = Folder(("metrics.json", "{\"accuracy\": 0.9}"), ("plots/loss.svg", "<svg/>"));

        var collected = await Collector().CollectAsync(folder, id, 2, 3, Collector().NewBudget());

        Assert.Empty(collected.Refused);
        Assert.Equal(["metrics.json", "plots/loss.svg"], collected.Kept.Select(a => a.Name));
        var metrics = collected.Kept[0];
        Assert.Equal(17, metrics.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("{\"accuracy\": 0.9}"))), metrics.Sha256);
        Assert.Equal((3, 2), (metrics.Step, metrics.Attempt));
        Assert.Equal("<svg/>", Encoding.UTF8.GetString((await Store.ReadAsync(new ArtifactKey(id, 2, "plots/loss.svg"), 0, 100))!.Data));
    }

    [Fact]
    public async Task Collect_SymlinkToEtcPasswd_IsRefusedAndNotRead()
    {
        var id = Guid.NewGuid();
        var folder = Folder(("inside.txt", "mine"));
        File.CreateSymbolicLink(Path.Combine(folder, "passwd"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(folder, "alias.txt"), Path.Combine(folder, "inside.txt"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "etc"), "/etc");

        var collected = await Collector().CollectAsync(folder, id, 1, 1, Collector().NewBudget());

        Assert.Equal(["alias.txt", "inside.txt"], collected.Kept.Select(a => a.Name));
        var passwd = Assert.Single(collected.Refused, r => r.Name == "passwd");
        Assert.Contains("symbolic link to '/etc/passwd'", passwd.Reason, StringComparison.Ordinal);
        Assert.Contains("not followed", passwd.Reason, StringComparison.Ordinal);
        Assert.Contains(collected.Refused, r => r.Name == "etc");
        Assert.Null(await Store.ReadAsync(new ArtifactKey(id, 1, "passwd"), 0, 10));
    }

    [Fact]
    public async Task Collect_NamedPipeBesideAFile_RefusesThePipeWithoutBlockingOnIt()
    {
        var id = Guid.NewGuid();
        var folder = Folder(("report.txt", "done"));
        var pipe = Path.Combine(folder, "pipe");
        var mkfifo = await EndToEnd.ProcessRunner.RunAsync("mkfifo", [pipe], TimeSpan.FromSeconds(10));
        mkfifo.ShouldExit(0);

        // Opening the pipe to read it would wait for a writer for ever: the collection must end on its own.
        var collected = await Collector().CollectAsync(folder, id, 1, 1, Collector().NewBudget()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["report.txt"], collected.Kept.Select(a => a.Name));
        var refused = Assert.Single(collected.Refused);
        Assert.Equal("pipe", refused.Name);
        Assert.Contains("not a regular file", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_PastTheLimits_KeepsWhatFitsAndSaysWhichAndWhy()
    {
        var id = Guid.NewGuid();
        var options = new ArtifactOptions { MaxFileBytes = 10, MaxTotalBytes = 15, MaxCount = 3 };
        var collector = Collector(options);
        var budget = collector.NewBudget();

        var first = await collector.CollectAsync(Folder(("a.txt", "12345678"), ("b.txt", "this one is too large")), id, 1, 1, budget);
        var second = await collector.CollectAsync(Folder(("c.txt", "12345678"), ("d.txt", "1"), ("e.txt", "2"), ("f.txt", "3")), id, 1, 2, budget);

        Assert.Equal(["a.txt"], first.Kept.Select(a => a.Name));
        Assert.Contains("over the limit of 10 B per file (Plexus:Artifacts:MaxFileBytes)", Assert.Single(first.Refused).Reason, StringComparison.Ordinal);
        Assert.Equal(["d.txt", "e.txt"], second.Kept.Select(a => a.Name));
        Assert.Contains("Plexus:Artifacts:MaxTotalBytes", second.Refused.Single(r => r.Name == "c.txt").Reason, StringComparison.Ordinal);
        Assert.Contains("Plexus:Artifacts:MaxCount", second.Refused.Single(r => r.Name == "f.txt").Reason, StringComparison.Ordinal);
        Assert.Null(await Store.ReadAsync(new ArtifactKey(id, 1, "b.txt"), 0, 10));
    }
}

/// <summary>The embedded default's store: files under the data folder.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class FileArtifactStoreTests : ArtifactStoreContractTests
{
    private readonly string _root = Directory.CreateTempSubdirectory("plexus-artifact-store-").FullName;

    protected override Task<IArtifactStore> CreateStoreAsync() => Task.FromResult<IArtifactStore>(new FileArtifactStore(_root));

    public override Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return base.DisposeAsync();
    }

    [Fact]
    public async Task Put_IntoTheDataFolder_LeavesNothingOutsideTheActionsFolder()
    {
        var id = Guid.NewGuid();
        await Store.PutAsync(new ArtifactKey(id, 1, "a/b.txt"), new MemoryStream([1, 2, 3]));

        Assert.True(File.Exists(Path.Combine(_root, id.ToString("N"), "1", "a", "b.txt")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, ".incoming")));
    }
}
