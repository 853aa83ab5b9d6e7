namespace Plexus.Tests.EndToEnd;

/// <summary>
/// A silo as an operator configured it through the environment: a catalog entry whose program is not installed, and
/// an output cap of 4 KiB. What the silo says at start, and what a dispatch answers through the real client.
/// </summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class OperatorSettingsTests : IAsyncLifetime
{
    private const string MissingProgram = "/nonexistent/ghost-program";

    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    public async Task InitializeAsync() => _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
    {
        ["Plexus__Commands__ghost__Executable"] = MissingProgram,
        ["Plexus__MaxOutputBytes"] = "4096",
    });

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public void Silo_CatalogEntryWhoseProgramIsMissing_WarnsAtStartNamingTheEntry()
    {
        var warning = Silo.Output.Split('\n').SingleOrDefault(line => line.Contains("Catalog command 'ghost'", StringComparison.Ordinal));

        Assert.True(warning is not null, $"no start-up warning names the entry 'ghost'.\n{Silo.OutputTail(60)}");
        Assert.Contains(MissingProgram, warning, StringComparison.Ordinal);
        Assert.Contains("the program was not found", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(Silo.Output.Split('\n'), line => line.Contains("Catalog command 'echo'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispatch_CatalogEntryWhoseProgramIsMissing_Exits70AndTheActionFailsWithTheReason()
    {
        var result = await Silo.Client.RunAsync("dispatch", "ghost --flag");

        result.ShouldExit(ExitCode.NoExitCode);
        Assert.Contains("ended Failed", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(MissingProgram, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("not found", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_OutputOverTheCap_JsonKeepsHeadAndTailAndCountsTheDroppedBytes()
    {
        // 9,001 bytes: 3,000 each of a, b and c, and echo's newline. The cap keeps the first and the last 2,048.
        var text = new string('a', 3000) + new string('b', 3000) + new string('c', 3000);

        var action = JsonOutput.Parse((await Silo.Client.RunAsync("dispatch", "--json", $"echo {text}")).ShouldExit(ExitCode.Ok));

        var result = action.GetProperty("result");
        Assert.Equal(4905, result.GetProperty("stdoutDroppedBytes").GetInt64());
        Assert.Equal(0, result.GetProperty("stderrDroppedBytes").GetInt64());
        Assert.Equal(
            new string('a', 2048) + "\n[… 4905 bytes dropped …]\n" + new string('c', 2047) + "\n",
            result.GetProperty("stdout").GetString());
        Assert.Equal("success", result.GetProperty("status").GetString());
    }
}
