using Orleans;
using Orleans.Runtime;
using Xunit;

namespace Plexus.Tests.Unit;

/// <summary>
/// What every reminder table must do, whatever it keeps reminders in: one subclass per backend supplies
/// <see cref="CreateTableAsync"/>. Each test gets a started table of a service id of its own.
/// </summary>
public abstract class ReminderTableContractTests : IAsyncLifetime
{
    protected IReminderTable Table { get; private set; } = null!;

    /// <summary>Gets a service id no other test uses, so tests sharing one store never see each other's rows.</summary>
    protected string ServiceId { get; } = "plexus-test-" + Guid.NewGuid().ToString("N");

    /// <summary>Creates and starts a table for <paramref name="serviceId"/> on the backend.</summary>
    protected abstract Task<IReminderTable> CreateTableAsync(string serviceId);

    public virtual async Task InitializeAsync() => Table = await CreateTableAsync(ServiceId);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static GrainId NewGrain() => GrainId.Create("plexus-test", Guid.NewGuid().ToString("N"));

    protected static ReminderEntry Entry(GrainId grain, string name, DateTime? startAt = null, TimeSpan? period = null) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = startAt ?? new DateTime(2026, 11, 27, 10, 30, 15, DateTimeKind.Utc).AddTicks(1234567),
        Period = period ?? TimeSpan.FromMinutes(1),
    };

    [Fact]
    public async Task ReadRow_Missing_ReturnsNull()
    {
        Assert.Null(await Table.ReadRow(NewGrain(), "nothing"));
    }

    [Fact]
    public async Task ReadRows_GrainWithoutReminders_ReturnsEmpty()
    {
        Assert.Empty((await Table.ReadRows(NewGrain())).Reminders);
    }

    [Fact]
    public async Task UpsertRow_New_RoundTripsExactly()
    {
        var grain = NewGrain();
        var entry = Entry(grain, "recovery", period: TimeSpan.FromSeconds(61.5));

        var etag = await Table.UpsertRow(entry);
        var read = await Table.ReadRow(grain, "recovery");

        Assert.False(string.IsNullOrEmpty(etag));
        Assert.NotNull(read);
        Assert.Equal(grain, read.GrainId);
        Assert.Equal("recovery", read.ReminderName);
        Assert.Equal(entry.StartAt.Ticks, read.StartAt.ToUniversalTime().Ticks);
        Assert.Equal(entry.Period, read.Period);
        Assert.Equal(etag, read.ETag);
    }

    [Fact]
    public async Task UpsertRow_OddNames_RoundTrip()
    {
        var grain = NewGrain();
        string[] names = ["with space", "quote ' and \" and `", "Напоминание 提醒 🔔", "a/b\\c?d#e%f", "semi;colon--dash"];

        foreach (var name in names)
        {
            await Table.UpsertRow(Entry(grain, name));
        }

        var read = await Table.ReadRows(grain);
        Assert.Equal(names.Order(StringComparer.Ordinal), read.Reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal));
        foreach (var name in names)
        {
            Assert.Equal(name, (await Table.ReadRow(grain, name))?.ReminderName);
        }
    }

    [Fact]
    public async Task UpsertRow_StartTime_IsIndependentOfTheCurrentCulture()
    {
        var grain = NewGrain();
        var entry = Entry(grain, "culture", startAt: new DateTime(2027, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(6789));
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("ar-SA");
            await Table.UpsertRow(entry);
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("th-TH");
            var read = await Table.ReadRow(grain, "culture");
            Assert.Equal(entry.StartAt.Ticks, read?.StartAt.ToUniversalTime().Ticks);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public async Task UpsertRow_Existing_ReplacesItAndChangesTheETag()
    {
        var grain = NewGrain();
        var first = await Table.UpsertRow(Entry(grain, "r", period: TimeSpan.FromMinutes(1)));

        var second = await Table.UpsertRow(Entry(grain, "r", period: TimeSpan.FromMinutes(5)));
        var read = await Table.ReadRows(grain);

        Assert.NotEqual(first, second);
        var only = Assert.Single(read.Reminders);
        Assert.Equal(TimeSpan.FromMinutes(5), only.Period);
        Assert.Equal(second, only.ETag);
    }

    [Fact]
    public async Task RemoveRow_CurrentETag_RemovesOnlyThatReminder()
    {
        var grain = NewGrain();
        var etag = await Table.UpsertRow(Entry(grain, "gone"));
        await Table.UpsertRow(Entry(grain, "kept"));

        Assert.True(await Table.RemoveRow(grain, "gone", etag!));

        Assert.Null(await Table.ReadRow(grain, "gone"));
        Assert.NotNull(await Table.ReadRow(grain, "kept"));
    }

    [Fact]
    public async Task RemoveRow_StaleETag_IsRefusedAndKeepsTheRow()
    {
        var grain = NewGrain();
        var stale = await Table.UpsertRow(Entry(grain, "r"));
        var current = await Table.UpsertRow(Entry(grain, "r", period: TimeSpan.FromMinutes(2)));

        Assert.False(await Table.RemoveRow(grain, "r", stale!));

        Assert.Equal(current, (await Table.ReadRow(grain, "r"))?.ETag);
    }

    [Fact]
    public async Task RemoveRow_Missing_ReturnsFalse()
    {
        Assert.False(await Table.RemoveRow(NewGrain(), "never", "1"));
    }

    [Fact]
    public async Task RemoveRow_Twice_SecondIsRefused()
    {
        var grain = NewGrain();
        var etag = await Table.UpsertRow(Entry(grain, "r"));

        Assert.True(await Table.RemoveRow(grain, "r", etag!));
        Assert.False(await Table.RemoveRow(grain, "r", etag!));
    }

    [Fact]
    public async Task ReadRows_Range_ReturnsExactlyTheGrainsWhoseHashFallsInIt()
    {
        var grains = Enumerable.Range(0, 40).Select(_ => NewGrain()).ToList();
        foreach (var grain in grains)
        {
            await Table.UpsertRow(Entry(grain, "r"));
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        var begin = hashes[9];
        var end = hashes[29];

        // Exclusive of begin, inclusive of end.
        var expected = grains.Where(g => g.GetUniformHashCode() > begin && g.GetUniformHashCode() <= end).ToHashSet();
        var read = await Table.ReadRows(begin, end);

        Assert.Equal(20, expected.Count);
        Assert.Equal(expected, read.Reminders.Select(r => r.GrainId).ToHashSet());
    }

    [Fact]
    public async Task ReadRows_WrappingRange_ReturnsBothEndsOfTheRing()
    {
        var grains = Enumerable.Range(0, 40).Select(_ => NewGrain()).ToList();
        foreach (var grain in grains)
        {
            await Table.UpsertRow(Entry(grain, "r"));
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        var begin = hashes[29];
        var end = hashes[9];

        // begin > end wraps: above begin up to uint.MaxValue, then from 0 up to and including end.
        var expected = grains.Where(g => g.GetUniformHashCode() > begin || g.GetUniformHashCode() <= end).ToHashSet();
        var read = await Table.ReadRows(begin, end);

        Assert.Equal(20, expected.Count);
        Assert.Equal(expected, read.Reminders.Select(r => r.GrainId).ToHashSet());
    }

    [Fact]
    public async Task ReadRows_FullRing_ReturnsEverything()
    {
        var grains = Enumerable.Range(0, 10).Select(_ => NewGrain()).ToList();
        foreach (var grain in grains)
        {
            await Table.UpsertRow(Entry(grain, "r"));
        }

        // begin == end is the whole ring (one silo owns every hash).
        var read = await Table.ReadRows(0u, 0u);

        Assert.Equal(grains.ToHashSet(), read.Reminders.Select(r => r.GrainId).ToHashSet());
    }

    [Fact]
    public async Task TestOnlyClearTable_RemovesEveryRowOfTheService()
    {
        var grain = NewGrain();
        await Table.UpsertRow(Entry(grain, "a"));
        await Table.UpsertRow(Entry(grain, "b"));

        await Table.TestOnlyClearTable();

        Assert.Empty((await Table.ReadRows(grain)).Reminders);
    }

    [Fact]
    public async Task ReadRows_OtherService_SeesNothingOfThisOne()
    {
        var grain = NewGrain();
        await Table.UpsertRow(Entry(grain, "mine"));

        var other = await CreateTableAsync("plexus-test-other-" + Guid.NewGuid().ToString("N"));

        Assert.Empty((await other.ReadRows(grain)).Reminders);
        Assert.Empty((await other.ReadRows(0u, 0u)).Reminders);
    }
}
