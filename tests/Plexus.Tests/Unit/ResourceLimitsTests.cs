using Microsoft.Extensions.Configuration;
using Plexus.Actions;
using Plexus.Commands;
using Plexus.Tests.Unit.Support;
using Xunit;

namespace Plexus.Tests.Unit;

/// <summary>Sizes as operators write them, the limits of a catalog entry, and the limits a dispatch may ask for.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ResourceLimitsTests
{
    [Theory]
    [InlineData("256MiB", 256L << 20)]
    [InlineData("256 MiB", 256L << 20)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("2g", 2L << 30)]
    [InlineData("500MB", 500_000_000L)]
    [InlineData("64KiB", 64L << 10)]
    [InlineData("1048576", 1048576L)]
    [InlineData("100B", 100L)]
    public void TryParse_Size_ReadsBytes(string text, long bytes) => Assert.Equal(bytes, ByteSize.TryParse(text));

    [Theory]
    [InlineData("")]
    [InlineData("MiB")]
    [InlineData("-5MiB")]
    [InlineData("0")]
    [InlineData("12 parsecs")]
    [InlineData("1e3")]
    public void TryParse_NotASize_ReturnsNull(string text) => Assert.Null(ByteSize.TryParse(text));

    [Theory]
    [InlineData(256L << 20, "256 MiB")]
    [InlineData(3L << 29, "1.5 GiB")]
    [InlineData(900L, "900 B")]
    public void Format_Bytes_UsesTheLargestReadableUnit(long bytes, string text) => Assert.Equal(text, ByteSize.Format(bytes));

    [Fact]
    public void Tightest_OfTwo_TakesTheLowerOfEachAndKeepsWhatOnlyOneSets()
    {
        var entry = new ResourceLimits(256L << 20, TimeSpan.FromMinutes(10));
        var asked = new ResourceLimits(128L << 20);

        Assert.Equal(new ResourceLimits(128L << 20, TimeSpan.FromMinutes(10)), ResourceLimits.Tightest(entry, asked));
        Assert.Null(ResourceLimits.Tightest(null, new ResourceLimits()));
    }

    [Fact]
    public void Validate_DispatchAboveTheEntrysMemoryLimit_IsRefusedNamingBoth()
    {
        var error = Assert.Throws<PlexusException>(() => Validate(new ResourceLimits(MaxMemoryBytes: 512L << 20)));

        Assert.Equal("The memory limit of 512 MiB is above the 'hog' command's own limit of 256 MiB; ask for at most that.", error.Message);
    }

    [Fact]
    public void Validate_DispatchAboveTheEntrysCpuTimeLimit_IsRefusedNamingBoth()
    {
        var error = Assert.Throws<PlexusException>(() => Validate(new ResourceLimits(MaxCpuTime: TimeSpan.FromMinutes(11))));

        Assert.Equal("The CPU-time limit of 660 s is above the 'hog' command's own limit of 600 s; ask for at most that.", error.Message);
    }

    [Fact]
    public void Validate_DispatchWithinTheEntrysLimits_IsAccepted()
    {
        Validate(new ResourceLimits(128L << 20, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Resolve_EntryWithLimits_GivesThemToTheProcess()
    {
        Assert.Equal(new ResourceLimits(256L << 20, TimeSpan.FromMinutes(10)), Catalog().Resolve("hog --now").Limits);
        Assert.Null(Catalog().Resolve("free").Limits);
    }

    [Fact]
    public void Validate_UnreadableMaxMemory_FailsStartNamingTheKey()
    {
        var options = Options();
        options.Commands["hog"].Limits.MaxMemory = "lots";

        var result = new ExecutionOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Plexus:Commands:hog:Limits:MaxMemory 'lots' is not a size", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_LimitsFromConfiguration_ReachTheEntry()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plexus:Commands:hog:Executable"] = "plexus-demo",
            ["Plexus:Commands:hog:Limits:MaxMemory"] = "256MiB",
            ["Plexus:Commands:hog:Limits:MaxCpuTime"] = "00:10:00",
        }).Build();
        var options = new ExecutionOptions();

        configuration.GetSection(ExecutionOptions.SectionName).Bind(options);

        Assert.Equal(new ResourceLimits(256L << 20, TimeSpan.FromMinutes(10)), options.Commands["hog"].Limits.ToLimits());
    }

    private static void Validate(ResourceLimits limits) =>
        ActionRequests.Validate(new ActionRequest("hog --now", "tests", Limits: limits), Guid.NewGuid(), Catalog(), new RetryPolicy());

    private static CommandCatalog Catalog() => new(new TestOptionsMonitor<ExecutionOptions>(Options()));

    private static ExecutionOptions Options()
    {
        var options = new ExecutionOptions();
        var hog = new CommandDefinition { Executable = "plexus-demo" };
        hog.Limits.MaxMemory = "256MiB";
        hog.Limits.MaxCpuTime = TimeSpan.FromMinutes(10);
        options.Commands["hog"] = hog;
        options.Commands["free"] = new CommandDefinition { Executable = "true" };
        return options;
    }
}
