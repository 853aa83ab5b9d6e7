using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>Resource use and limits through <c>plexus-client</c> and a real silo whose catalog limits an entry.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class ResourceLimitCliTests : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;

    private SiloProcess? _silo;

    private PlexusClient Client => (_silo ?? throw new InvalidOperationException("The silo is not started.")).Client;

    // The demo program as an entry whose runs may hold at most 256 MiB and use 10 minutes of CPU.
    public async Task InitializeAsync() => _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
    {
        ["Plexus__Commands__hog__Executable"] = "plexus-demo",
        ["Plexus__Commands__hog__Limits__MaxMemory"] = "256MiB",
        ["Plexus__Commands__hog__Limits__MaxCpuTime"] = "00:10:00",
    });

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dispatch_CommandHolding200MB_ResultCarriesItsResourcesAndStatusShowsThem()
    {
        var final = JsonOutput.Parse((await Client.RunAsync("dispatch", "--json", "hog --allocate-mb 200 --items 100")).ShouldExit(ExitCode.Ok));

        var resources = final.GetProperty("result").GetProperty("resources");
        Assert.InRange(resources.GetProperty("peakMemoryBytes").GetInt64(), 200 * MiB, 256 * MiB);
        Assert.InRange(resources.GetProperty("cpuSeconds").GetDouble(), 0.01, 60);
        var text = (await Client.RunAsync("status", final.GetProperty("id").GetString()!)).ShouldExit(ExitCode.Ok).Stdout;
        Assert.Matches(@"resources: +CPU [0-9.]+ s, peak memory 2[0-9]{2}(\.[0-9])? MiB", text);
    }

    [Fact]
    public async Task Dispatch_OverTheMemoryLimitItAskedFor_EndsFailedNamingTheLimit()
    {
        var run = await Client.RunAsync("dispatch", "--json", "--max-memory", "100MiB", "hog --allocate-mb 300 --items 5000");

        var final = JsonOutput.Parse(run.ShouldExit(128 + 9));
        Assert.Equal("Failed", final.GetProperty("status").GetString());
        Assert.Equal("The command exceeded its memory limit of 100 MiB and was stopped.", final.GetProperty("result").GetProperty("error").GetString());
        Assert.True(final.GetProperty("result").GetProperty("resources").GetProperty("peakMemoryBytes").GetInt64() > 100 * MiB);
        Assert.Equal(100 * MiB, final.GetProperty("limits").GetProperty("maxMemoryBytes").GetInt64());
    }

    [Fact]
    public async Task Dispatch_MemoryLimitAboveTheEntrys_IsRefusedAndNothingRuns()
    {
        var run = (await Client.RunAsync("dispatch", "--max-memory", "1GiB", "hog")).ShouldExit(ExitCode.InvalidInput);

        Assert.Contains("The memory limit of 1 GiB is above the 'hog' command's own limit of 256 MiB; ask for at most that.", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_UnreadableLimits_AreRefusedNamingTheOption()
    {
        var memory = (await Client.RunAsync("dispatch", "--max-memory", "lots", "hog")).ShouldExit(ExitCode.InvalidInput);
        var cpu = (await Client.RunAsync("dispatch", "--max-cpu-time", "soon", "hog")).ShouldExit(ExitCode.InvalidInput);

        Assert.Contains("--max-memory 'lots' is not a size", memory.Stderr, StringComparison.Ordinal);
        Assert.Contains("--max-cpu-time 'soon' is not a length of time", cpu.Stderr, StringComparison.Ordinal);
    }
}
