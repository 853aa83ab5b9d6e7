using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Plexus.Tests.Unit.Support;
using Xunit;

namespace Plexus.Tests.Unit;

/// <summary>
/// What every grain storage backend must do, whatever it keeps state in: one subclass per backend supplies
/// <see cref="CreateStorageAsync"/>. Each test gets a fresh storage and a grain of its own.
/// </summary>
public abstract class GrainStorageContractTests : IAsyncLifetime
{
    protected const string StateName = "state";

    // Generous: a writer that takes this long is stuck on a lock, and the test must fail rather than hang.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(60);

    protected IGrainStorage Storage { get; private set; } = null!;

    protected GrainId Grain { get; } = GrainId.Create("plexus-test", Guid.NewGuid().ToString("N"));

    /// <summary>Creates a ready-to-use storage on an empty store.</summary>
    protected abstract Task<IGrainStorage> CreateStorageAsync();

    public virtual async Task InitializeAsync() => Storage = await CreateStorageAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected async Task<GrainState<StorageTestState>> ReadAsync(GrainId? grain = null, string stateName = StateName)
    {
        var state = new GrainState<StorageTestState>(new StorageTestState { Text = "left over from before the read" }, "left-over-etag");
        await Storage.ReadStateAsync(stateName, grain ?? Grain, state);
        return state;
    }

    protected async Task<GrainState<StorageTestState>> WriteNewAsync(StorageTestState value, GrainId? grain = null, string stateName = StateName)
    {
        var state = new GrainState<StorageTestState>(value);
        await Storage.WriteStateAsync(stateName, grain ?? Grain, state);
        return state;
    }

    [Fact]
    public async Task ReadStateAsync_MissingState_ReportsNoRecordAndNullETag()
    {
        var state = await ReadAsync();

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(new StorageTestState(), state.State);
    }

    [Fact]
    public async Task WriteStateAsync_FirstWrite_SetsETagAndRecordExists()
    {
        var state = await WriteNewAsync(new StorageTestState { Text = "first", Number = 1 });

        Assert.False(string.IsNullOrEmpty(state.ETag));
        Assert.True(state.RecordExists);
    }

    [Fact]
    public async Task ReadStateAsync_AfterWrite_RoundTripsStateAndETag()
    {
        var value = new StorageTestState { Text = "Привет, мир — ёжик ✓", Number = 42 };
        var written = await WriteNewAsync(value);

        var read = await ReadAsync();

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(value, read.State);
    }

    [Fact]
    public async Task ReadStateAsync_AfterLargeWrite_RoundTripsTwoMegabytes()
    {
        // 'ж' is two bytes in UTF-8: about 2 MB of text.
        var value = new StorageTestState { Text = "начало " + new string('ж', 1_000_000) + " конец", Number = 7 };
        await WriteNewAsync(value);

        var read = await ReadAsync();

        Assert.Equal(value.Text.Length, read.State?.Text.Length);
        Assert.Equal(value, read.State);
    }

    [Fact]
    public async Task ReadStateAsync_AfterFourMegabytesOfIncompressibleState_RoundTripsExactly()
    {
        // Random bytes as base64: compression cannot shrink this below one storage item or row limit.
        var random = new Random(4);
        var raw = new byte[3 * 1024 * 1024];
        random.NextBytes(raw);
        var value = new StorageTestState { Text = Convert.ToBase64String(raw), Number = 4 };
        var written = await WriteNewAsync(value);

        var read = await ReadAsync();

        Assert.Equal(4 * 1024 * 1024, read.State?.Text.Length);
        Assert.Equal(value, read.State);
        Assert.Equal(written.ETag, read.ETag);

        // And it can be replaced by another large state from its etag.
        random.NextBytes(raw);
        written.State = new StorageTestState { Text = Convert.ToBase64String(raw), Number = 5 };
        await Storage.WriteStateAsync(StateName, Grain, written);
        Assert.Equal(written.State, (await ReadAsync()).State);
    }

    [Fact]
    public async Task ReadStateAsync_AfterWriteOfManyScripts_RoundTripsEveryCharacter()
    {
        // Cyrillic, Greek, CJK, Arabic (right to left), emoji outside the BMP, combining marks, quotes and control characters.
        var value = new StorageTestState
        {
            Text = "Съешь же ещё этих мягких французских булок | Ξεσκεπάζω | 日本語のテキスト | مرحبا بالعالم | 👩‍💻🚀𝄞 | e\u0301 | \"'`\\ | \t\r\n\0 end",
            Number = -1,
        };
        await WriteNewAsync(value);

        var read = await ReadAsync();

        Assert.Equal(value.Text, read.State?.Text);
        Assert.Equal(value, read.State);
    }

    [Fact]
    public async Task ClearStateAsync_CalledTwice_SucceedsAndStateStaysCleared()
    {
        var state = await WriteNewAsync(new StorageTestState { Text = "doomed" });

        await Storage.ClearStateAsync(StateName, Grain, state);
        await Storage.ClearStateAsync(StateName, Grain, state);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.False((await ReadAsync()).RecordExists);
    }

    [Fact]
    public async Task WriteStateAsync_EachWrite_ChangesTheETag()
    {
        var state = await WriteNewAsync(new StorageTestState { Number = 0 });
        var etags = new List<string?> { state.ETag };

        for (var i = 1; i <= 3; i++)
        {
            state.State = new StorageTestState { Number = i };
            await Storage.WriteStateAsync(StateName, Grain, state);
            etags.Add(state.ETag);
        }

        Assert.Equal(etags.Count, etags.Distinct().Count());
        var read = await ReadAsync();
        Assert.Equal(etags[^1], read.ETag);
        Assert.Equal(3, read.State?.Number);
    }

    [Fact]
    public async Task WriteStateAsync_StaleETag_ThrowsAndLeavesStoredStateAlone()
    {
        var first = await WriteNewAsync(new StorageTestState { Text = "v1" });
        var stale = new GrainState<StorageTestState>(first.State, first.ETag);
        first.State = new StorageTestState { Text = "v2" };
        await Storage.WriteStateAsync(StateName, Grain, first);

        stale.State = new StorageTestState { Text = "stale" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, Grain, stale));

        var read = await ReadAsync();
        Assert.Equal("v2", read.State?.Text);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_UnknownETag_Throws()
    {
        await WriteNewAsync(new StorageTestState { Text = "v1" });
        var forged = new GrainState<StorageTestState>(new StorageTestState { Text = "forged" }, "not-an-etag");

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, Grain, forged));

        Assert.Equal("v1", (await ReadAsync()).State?.Text);
    }

    [Fact]
    public async Task WriteStateAsync_SecondFirstWrite_ThrowsAndLeavesStoredStateAlone()
    {
        var first = await WriteNewAsync(new StorageTestState { Text = "first" });

        var second = new GrainState<StorageTestState>(new StorageTestState { Text = "second" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, Grain, second));

        var read = await ReadAsync();
        Assert.Equal("first", read.State?.Text);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_AfterStateWasCleared_ThrowsForTheOldETag()
    {
        var state = await WriteNewAsync(new StorageTestState { Text = "v1" });
        var holder = new GrainState<StorageTestState>(state.State, state.ETag);
        await Storage.ClearStateAsync(StateName, Grain, state);

        holder.State = new StorageTestState { Text = "after clear" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, Grain, holder));

        Assert.False((await ReadAsync()).RecordExists);
    }

    [Fact]
    public async Task ClearStateAsync_ExistingState_ResetsETagAndLaterReadFindsNothing()
    {
        var state = await WriteNewAsync(new StorageTestState { Text = "doomed", Number = 5 });

        await Storage.ClearStateAsync(StateName, Grain, state);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        var read = await ReadAsync();
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(new StorageTestState(), read.State);
    }

    [Fact]
    public async Task ClearStateAsync_MissingState_Succeeds()
    {
        var state = new GrainState<StorageTestState>(new StorageTestState());

        await Storage.ClearStateAsync(StateName, Grain, state);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task ClearStateAsync_StaleETag_ThrowsAndKeepsTheState()
    {
        var state = await WriteNewAsync(new StorageTestState { Text = "v1" });
        var stale = new GrainState<StorageTestState>(state.State, state.ETag);
        state.State = new StorageTestState { Text = "v2" };
        await Storage.WriteStateAsync(StateName, Grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, Grain, stale));

        var read = await ReadAsync();
        Assert.True(read.RecordExists);
        Assert.Equal("v2", read.State?.Text);
    }

    [Fact]
    public async Task ClearStateAsync_NullETagWhileStateExists_ThrowsAndKeepsTheState()
    {
        await WriteNewAsync(new StorageTestState { Text = "kept" });
        var neverRead = new GrainState<StorageTestState>(new StorageTestState());

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, Grain, neverRead));

        var read = await ReadAsync();
        Assert.True(read.RecordExists);
        Assert.Equal("kept", read.State?.Text);
    }

    [Fact]
    public async Task WriteStateAsync_AfterClear_StartsOver()
    {
        var state = await WriteNewAsync(new StorageTestState { Text = "v1" });
        await Storage.ClearStateAsync(StateName, Grain, state);

        state.State = new StorageTestState { Text = "reborn" };
        await Storage.WriteStateAsync(StateName, Grain, state);

        var read = await ReadAsync();
        Assert.True(read.RecordExists);
        Assert.Equal("reborn", read.State?.Text);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_OtherGrainsAndStateNames_AreKeptApart()
    {
        var otherGrain = GrainId.Create("plexus-test", Guid.NewGuid().ToString("N"));
        await WriteNewAsync(new StorageTestState { Text = "mine" });
        await WriteNewAsync(new StorageTestState { Text = "other grain" }, otherGrain);
        await WriteNewAsync(new StorageTestState { Text = "other state" }, stateName: "other");

        Assert.Equal("mine", (await ReadAsync()).State?.Text);
        Assert.Equal("other grain", (await ReadAsync(otherGrain)).State?.Text);
        Assert.Equal("other state", (await ReadAsync(stateName: "other")).State?.Text);
    }

    [Fact]
    public async Task WriteStateAsync_ParallelWritersFromTheSameETag_ExactlyOneWins()
    {
        var original = await WriteNewAsync(new StorageTestState { Text = "original" });

        var writers = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var state = new GrainState<StorageTestState>(new StorageTestState { Text = $"writer {i}", Number = i }, original.ETag);
            try
            {
                await Storage.WriteStateAsync(StateName, Grain, state);
                return state;
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        }));
        var outcomes = await Task.WhenAll(writers).WaitAsync(HangLimit);

        var winner = Assert.Single(outcomes, o => o is not null)!;
        var read = await ReadAsync();
        Assert.Equal(winner.State, read.State);
        Assert.Equal(winner.ETag, read.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_ParallelFirstWriters_ExactlyOneWins()
    {
        var writers = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var state = new GrainState<StorageTestState>(new StorageTestState { Text = $"writer {i}", Number = i });
            try
            {
                await Storage.WriteStateAsync(StateName, Grain, state);
                return state;
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        }));
        var outcomes = await Task.WhenAll(writers).WaitAsync(HangLimit);

        var winner = Assert.Single(outcomes, o => o is not null)!;
        Assert.Equal(winner.State, (await ReadAsync()).State);
    }
}
