using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary><c>list</c> and <c>output</c> through the real client and silo.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(SharedSiloCollection.Name)]
public sealed class ListOutputTests(SiloFixture fixture)
{
    private PlexusClient Client => fixture.Silo.Client;

    // The shared silo holds other tests' actions too: only what this test dispatched is queued after this moment.
    private static string Now() => DateTimeOffset.Now.AddMilliseconds(-1).ToString("O", CultureInfo.InvariantCulture);

    private async Task<string> DispatchAsync(string command, int exitCode)
    {
        var dispatched = (await Client.RunAsync("dispatch", "--json", command)).ShouldExit(exitCode);
        return JsonOutput.Parse(dispatched).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task List_StatusAndCommandFiltersAfterAMixOfDemoRuns_PrintsTheMatchingActionsNewestFirstWithCounts()
    {
        var since = Now();
        var ok1 = await DispatchAsync("demo --items 5", 0);
        var failedDemo = await DispatchAsync("demo --fail --items 10", 1);
        var ok2 = await DispatchAsync("demo --items 5", 0);
        var failedFalse = await DispatchAsync("false", 1);

        var failed = JsonOutput.Parse((await Client.RunAsync("list", "--status", "Failed", "--since", since, "--json")).ShouldExit(0));
        var demos = JsonOutput.Parse((await Client.RunAsync("list", "--command", "demo", "--since", since, "--limit", "2", "--json")).ShouldExit(0));
        var rest = JsonOutput.Parse((await Client.RunAsync("list", "--command", "demo", "--since", since, "--limit", "2", "--cursor", demos.GetProperty("next").GetString()!, "--json")).ShouldExit(0));

        Assert.Equal([failedFalse, failedDemo], Ids(failed));
        Assert.All(failed.GetProperty("items").EnumerateArray(), item =>
        {
            Assert.Equal("Failed", item.GetProperty("status").GetString());
            foreach (var key in new[] { "command", "submitter", "queuedAt", "startedAt", "finishedAt", "percent" })
            {
                Assert.True(item.TryGetProperty(key, out _), $"An item lacks '{key}': {item}");
            }
        });
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("next").ValueKind);
        Assert.Equal(2, failed.GetProperty("counts").GetProperty("Failed").GetInt64());
        Assert.Equal([ok2, failedDemo], Ids(demos));
        Assert.Equal([ok1], Ids(rest));
        Assert.Equal(2, demos.GetProperty("counts").GetProperty("Succeeded").GetInt64());
        Assert.Equal(1, demos.GetProperty("counts").GetProperty("Failed").GetInt64());
        Assert.Equal(100, demos.GetProperty("items")[0].GetProperty("percent").GetDouble());
    }

    [Fact]
    public async Task List_Table_ShowsOneLinePerActionAndTheCounts()
    {
        var since = Now();
        var id = await DispatchAsync("echo listed", 0);

        var listed = (await Client.RunAsync("list", "--since", since)).ShouldExit(0);

        var lines = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Matches($"^{id}\\s+Succeeded\\s+echo listed\\s+\\S+\\s+\\d+s\\s+\\d+s\\s+100%$", lines[1]);
        Assert.Equal("Matching: 1 Succeeded.", lines[2]);
    }

    [Theory]
    [InlineData("--since", "yesterday-ish")]
    [InlineData("--limit", "0")]
    [InlineData("--cursor", "not-a-cursor")]
    public async Task List_UnusableFilter_Exits64NamingIt(string option, string value)
    {
        var result = await Client.RunAsync("list", option, value);

        result.ShouldExit(ExitCode.InvalidInput);
        Assert.Contains(option.TrimStart('-'), result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_FinishedAction_PrintsTheStoredStreamRawAndItsTail()
    {
        var id = await DispatchAsync("demo --items 5", 0);
        var failed = await DispatchAsync("demo --fail --items 10", 1);

        var stdout = (await Client.RunAsync("output", id)).ShouldExit(0);
        var tail = (await Client.RunAsync("output", id, "--tail", "2")).ShouldExit(0);
        var stderr = (await Client.RunAsync("output", failed, "--stderr")).ShouldExit(0);
        var unknown = await Client.RunAsync("output", Guid.NewGuid().ToString());

        // Raw: exactly what was stored, protocol lines included.
        Assert.StartsWith("Stage Setup: preparing the run\n::plexus stage=Setup", stdout.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("Stage Analysis: summarising results\n::plexus stage=Analysis message=\"summarising results\"\nDone: processed 5 items.\n", stdout.Stdout, StringComparison.Ordinal);
        Assert.Equal("::plexus stage=Analysis message=\"summarising results\"\nDone: processed 5 items.\n", tail.Stdout);
        Assert.Equal("Error: processing failed at item 5 of 10 (requested with --fail).\n", stderr.Stdout);
        unknown.ShouldExit(ExitCode.NotFound);
    }

    private static List<string> Ids(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetString()!)];
}
