using System.Text.Json;
using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>Dispatching commands through the real client to a real silo, and following the actions.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(SharedSiloCollection.Name)]
public sealed class DispatchTests(SiloFixture fixture)
{
    private static readonly TimeSpan FinalTimeout = TimeSpan.FromSeconds(30);

    private PlexusClient Client => fixture.Silo.Client;

    [Fact]
    public async Task Dispatch_DemoSynchronously_ExitsZeroWithDemoOutput()
    {
        var result = await Client.RunAsync("dispatch", "demo --items 50");

        result.ShouldExit(0);
        Assert.Contains("Stage Processing: 50 items", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Done: processed 50 items.", result.Stdout, StringComparison.Ordinal);

        // Progress lines are for the cluster: the person sees the status line instead, the stored output keeps them.
        Assert.DoesNotContain("::plexus", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[Succeeded]", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_DemoThatFails_ExitsOneWithDemoErrorOnStderr()
    {
        var result = await Client.RunAsync("dispatch", "demo --fail --items 50");

        result.ShouldExit(1);
        Assert.Contains("Error: processing failed at item 25 of 50 (requested with --fail).", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Stage Processing: 50 items", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("::plexus", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Done:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_DemoHelp_ExitsZeroWithUsage()
    {
        var result = await Client.RunAsync("dispatch", "demo --help");

        result.ShouldExit(0);
        Assert.Contains("Usage: demo [OPTIONS]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--items INTEGER", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_DemoUnknownOption_ExitsTwoWithUsageError()
    {
        var result = await Client.RunAsync("dispatch", "demo --bogus");

        result.ShouldExit(2);
        Assert.Contains("Error: No such option: --bogus", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage: demo [OPTIONS]", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_Async_PrintsOnlyTheIdThatStatusFollowsToSucceeded()
    {
        var dispatched = (await Client.RunAsync("dispatch", "--async", "echo hello")).ShouldExit(0);

        // id=$(plexus-client dispatch --async …) must capture the id alone; the hint is for a terminal, and stderr is none here.
        Assert.Matches("^[0-9a-f-]{36}\n$", dispatched.Stdout);
        Assert.Equal("", dispatched.Stderr);
        var id = Guid.Parse(dispatched.Stdout);

        var action = await Client.WaitForStatusAsync(id, "Succeeded", FinalTimeout);

        Assert.Equal(id, action.GetProperty("id").GetGuid());
        Assert.Equal("echo hello", action.GetProperty("command").GetString());
        Assert.Equal(1, action.GetProperty("attempt").GetInt32());
        var queuedAt = action.GetProperty("queuedAt").GetDateTimeOffset();
        var startedAt = action.GetProperty("startedAt").GetDateTimeOffset();
        var finishedAt = action.GetProperty("finishedAt").GetDateTimeOffset();
        Assert.True(queuedAt <= startedAt && startedAt <= finishedAt, $"Expected queuedAt <= startedAt <= finishedAt.\n{action}");
        var result = action.GetProperty("result");
        Assert.Equal("success", result.GetProperty("status").GetString());
        Assert.Equal("hello\n", result.GetProperty("stdout").GetString());
        Assert.Equal(0, result.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Dispatch_Json_PrintsFinalDocument()
    {
        var result = (await Client.RunAsync("dispatch", "--json", "echo hi")).ShouldExit(0);

        var action = Document(result);
        Assert.Equal("Succeeded", action.GetProperty("status").GetString());
        Assert.Equal("echo hi", action.GetProperty("command").GetString());
        Assert.Equal("hi\n", action.GetProperty("result").GetProperty("stdout").GetString());
        Assert.Equal(0, action.GetProperty("result").GetProperty("exitCode").GetInt32());
    }

    private static JsonElement Document(ProcessResult result) => JsonOutput.Parse(result);
}
