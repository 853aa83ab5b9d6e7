namespace Plexus.Tests.EndToEnd;

/// <summary>
/// Named queues, the worker list, the per-submitter queue limit and the drain on SIGTERM, through the real
/// <c>plexus-silo</c> and <c>plexus-client</c> of the embedded default (one silo serving <c>default</c> and <c>eval/*</c>).
/// </summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class QueueTests : IAsyncLifetime
{
    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    public async Task InitializeAsync() => _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
    {
        ["Plexus__Queues__default"] = "2",
        ["Plexus__Queues__eval/*"] = "1",
        ["Plexus__MaxQueuedPerSubmitter"] = "2",
        ["Plexus__WorkerHeartbeatInterval"] = "00:00:00.5",
        ["Plexus__DrainTimeout"] = "00:01:00",
    });

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Status_QueueNoSiloServes_StaysQueuedAndSaysNoSiloServesIt()
    {
        var id = Guid.Parse((await Silo.Client.RunAsync("dispatch", "--async", "--queue", "gpu", "echo never")).ShouldExit(ExitCode.Ok).Stdout.Trim());

        var status = (await Silo.Client.RunAsync("status", id.ToString())).ShouldExit(ExitCode.Ok);

        Assert.Contains(": Queued", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("waiting:   no silo serves queue gpu", status.Stdout, StringComparison.Ordinal);
        Assert.Equal("gpu", JsonOutput.Parse(await Silo.Client.RunAsync("status", id.ToString(), "--json")).GetProperty("queue").GetString());
        (await Silo.Client.RunAsync("cancel", id.ToString())).ShouldExit(ExitCode.Ok);
    }

    [Fact]
    public async Task Dispatch_QueueAPatternServes_RunsThere()
    {
        var result = (await Silo.Client.RunAsync("dispatch", "--queue", "eval/accuracy", "echo evaluated")).ShouldExit(ExitCode.Ok);

        Assert.Equal("evaluated", result.Stdout.Trim());
    }

    [Fact]
    public async Task Dispatch_InvalidQueueName_Exits64WithTheRule()
    {
        var result = await Silo.Client.RunAsync("dispatch", "--queue", "GPU box", "echo x");

        result.ShouldExit(ExitCode.InvalidInput);
        Assert.Contains("The queue name 'GPU box' is not valid", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workers_Json_ListsTheSiloWithItsQueuesAndHeartbeat()
    {
        var workers = JsonOutput.Parse((await Silo.Client.RunAsync("workers", "--json")).ShouldExit(ExitCode.Ok));

        var silo = Assert.Single(workers.EnumerateArray());
        Assert.Equal(Environment.MachineName, silo.GetProperty("host").GetString());
        Assert.Contains($":{Silo.SiloPort}:", silo.GetProperty("silo").GetString(), StringComparison.Ordinal);
        Assert.False(silo.GetProperty("draining").GetBoolean());
        Assert.Equal(0, silo.GetProperty("running").GetInt32());
        var queues = silo.GetProperty("queues").EnumerateArray().Select(q => $"{q.GetProperty("queue").GetString()}={q.GetProperty("concurrency").GetInt32()}").ToList();
        Assert.Equal(["default=2", "eval/*=1"], queues);
        Assert.True(silo.GetProperty("lastHeartbeat").GetDateTimeOffset() >= silo.GetProperty("startedAt").GetDateTimeOffset());

        var table = (await Silo.Client.RunAsync("workers")).ShouldExit(ExitCode.Ok).Stdout;
        Assert.Contains("default 0/2, eval/* 0/1", table, StringComparison.Ordinal);
        Assert.Contains("serving", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_BeyondMaxQueuedPerSubmitter_QueueFullAndNothingStored()
    {
        // An unserved queue keeps them queued; the silo allows 2 per submitter, and every dispatch here has the same one.
        string[] dispatch = ["dispatch", "--async", "--queue", "nowhere", "echo waiting"];
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add((await Silo.Client.RunAsync(dispatch)).ShouldExit(ExitCode.Ok).Stdout.Trim());
        }

        var before = await CountsAsync();

        var full = await Silo.Client.RunAsync(dispatch);

        full.ShouldExit(75);
        Assert.Contains("Queue full:", full.Stderr, StringComparison.Ordinal);
        Assert.Contains("Plexus:MaxQueuedPerSubmitter allows (2)", full.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", full.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, before.GetValueOrDefault("Queued"));
        Assert.Equal(before, await CountsAsync());
        foreach (var id in ids)
        {
            (await Silo.Client.RunAsync("cancel", id)).ShouldExit(ExitCode.Ok);
        }
    }

    [Fact]
    public async Task Sigterm_LongDrainDeadline_RunningCommandFinishesInPlace()
    {
        var id = Guid.Parse((await Silo.Client.RunAsync("dispatch", "--async", "sleep 10")).ShouldExit(ExitCode.Ok).Stdout.Trim());
        await Silo.Client.WaitForStatusAsync(id, "Running", Poll.DefaultTimeout);

        await Silo.SignalStopAsync();
        Assert.Equal(0, await Silo.WaitForExitAsync(TimeSpan.FromSeconds(40)));
        await Silo.StartAsync();

        var action = JsonOutput.Parse((await Silo.Client.RunAsync("status", id.ToString(), "--json")).ShouldExit(ExitCode.Ok));
        Assert.Equal("Succeeded", action.GetProperty("status").GetString());
        Assert.Equal(1, action.GetProperty("attempt").GetInt32());
        Assert.Contains("Draining: no new work", Silo.Output, StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, long>> CountsAsync()
    {
        var page = JsonOutput.Parse((await Silo.Client.RunAsync("list", "--mine", "--json")).ShouldExit(ExitCode.Ok));
        return page.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
    }
}
