using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>Actions outlive their silo: a silo started again on the same data folder serves them unchanged.</summary>
[Collection(StandaloneProcessCollection.Name)]
public sealed class SiloRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan FinalTimeout = TimeSpan.FromSeconds(30);

    // A silo of its own: stopping the shared one would disturb the other tests.
    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    public async Task InitializeAsync() => _silo = await SiloProcess.StartNewAsync();

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Status_AfterSiloRestartOnSameData_ReturnsSameResult()
    {
        var dispatched = (await Silo.Client.RunAsync("dispatch", "--async", "echo survives a restart")).ShouldExit(ExitCode.Ok);
        var id = Guid.Parse(dispatched.Stdout.Split('\n')[0].Trim());
        var before = JsonOutput.Parse(await Poll.UntilAsync(
            () => Silo.Client.RunAsync("status", id.ToString(), "--json"),
            status => status.ExitCode == 0 && JsonOutput.Parse(status).GetProperty("status").GetString() == "Succeeded",
            FinalTimeout,
            $"action {id} to be Succeeded before the restart"));

        Assert.Equal(0, await Silo.StopAsync());
        await Silo.StartAsync();
        var after = JsonOutput.Parse((await Silo.Client.RunAsync("status", id.ToString(), "--json")).ShouldExit(ExitCode.Ok));

        Assert.Equal("Succeeded", after.GetProperty("status").GetString());
        Assert.Equal(
            before.GetProperty("finishedAt").GetDateTimeOffset(),
            after.GetProperty("finishedAt").GetDateTimeOffset());
        Assert.Equal("survives a restart\n", after.GetProperty("result").GetProperty("stdout").GetString());
        Assert.Equal(
            before.GetProperty("result").GetProperty("stdout").GetString(),
            after.GetProperty("result").GetProperty("stdout").GetString());
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }
}
