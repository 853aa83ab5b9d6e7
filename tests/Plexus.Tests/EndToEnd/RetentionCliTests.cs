using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary><c>dispatch --retention</c> and what <c>status</c>, <c>output</c> and <c>list</c> say of a removed action.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class RetentionCliTests : IAsyncLifetime
{
    private SiloProcess? _silo;

    private PlexusClient Client => (_silo ?? throw new InvalidOperationException("The silo is not started.")).Client;

    // A silo of its own that sweeps often: the shared one sweeps every 10 minutes.
    public async Task InitializeAsync() => _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
    {
        ["Plexus__RetentionSweepInterval"] = "00:00:00.3",
    });

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Status_ActionPastItsRetention_SaysWhenItWasRemovedAndExitsZero()
    {
        var id = JsonOutput.Parse((await Client.RunAsync("dispatch", "--json", "--retention", "1s", "echo short-lived")).ShouldExit(0)).GetProperty("id").GetString()!;

        var status = await Poll.UntilAsync(() => Client.RunAsync("status", id), s => s.Stdout.Contains("was removed on", StringComparison.Ordinal), TimeSpan.FromSeconds(30), $"action {id} to be removed");
        var json = JsonOutput.Parse((await Client.RunAsync("status", id, "--json")).ShouldExit(0));
        var output = (await Client.RunAsync("output", id)).ShouldExit(0);
        var list = (await Client.RunAsync("list", "--json")).ShouldExit(0);

        status.ShouldExit(0);
        Assert.Contains("ended Succeeded", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("its retention of 1 s having run out", status.Stdout, StringComparison.Ordinal);
        Assert.True(json.TryGetProperty("forgottenAt", out var forgottenAt) && forgottenAt.GetDateTimeOffset() > DateTimeOffset.MinValue, json.ToString());
        Assert.Equal("", output.Stdout);
        Assert.Contains("no longer kept", output.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(id, list.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0s")]
    [InlineData("40000d")]
    public async Task Dispatch_UnusableRetention_Exits64AndStoresNothing(string retention)
    {
        var result = await Client.RunAsync("dispatch", "--retention", retention, "echo never");
        var list = (await Client.RunAsync("list", "--command", "echo never", "--json")).ShouldExit(0);

        result.ShouldExit(ExitCode.InvalidInput);
        Assert.Contains("retention", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, JsonOutput.Parse(list).GetProperty("items").GetArrayLength());
    }
}
