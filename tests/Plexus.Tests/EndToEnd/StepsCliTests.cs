using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary><c>dispatch "a" "b" "c"</c>, <c>--keep-going</c>, <c>status</c> and <c>output --step</c> through the real client and silo.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class StepsCliTests : IAsyncLifetime
{
    private SiloProcess? _silo;

    private PlexusClient Client => (_silo ?? throw new InvalidOperationException("The silo is not started.")).Client;

    // The shared silo's catalog has no shell; steps that fail on purpose need one.
    public async Task InitializeAsync() => _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
    {
        ["Plexus__Commands__sh__Executable"] = "/bin/sh",
        ["Plexus__Commands__sh__Arguments__0"] = "-c",
    });

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dispatch_ThreeCommands_RunsThemAsStepsAndStatusJsonListsThem()
    {
        var dispatched = (await Client.RunAsync("dispatch", "--json", "echo prepare --set s1", "sh 'echo \"step $PLEXUS_STEP of $PLEXUS_ACTION_ID\"'", "echo report --set s1")).ShouldExit(0);
        var id = JsonOutput.Parse(dispatched).GetProperty("id").GetString()!;

        var json = JsonOutput.Parse((await Client.RunAsync("status", id, "--json")).ShouldExit(0));
        var status = (await Client.RunAsync("status", id)).ShouldExit(0);
        var second = (await Client.RunAsync("output", id, "--step", "2")).ShouldExit(0);
        var all = (await Client.RunAsync("output", id)).ShouldExit(0);

        var steps = json.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["echo prepare --set s1", "sh 'echo \"step $PLEXUS_STEP of $PLEXUS_ACTION_ID\"'", "echo report --set s1"], steps.Select(s => s.GetProperty("command").GetString()));
        Assert.All(steps, s =>
        {
            Assert.Equal("Succeeded", s.GetProperty("status").GetString());
            Assert.Equal(0, s.GetProperty("exitCode").GetInt32());
            Assert.True(s.GetProperty("startedAt").GetDateTimeOffset() <= s.GetProperty("finishedAt").GetDateTimeOffset());
        });
        Assert.Equal($"step 2 of {id}\n", second.Stdout);
        Assert.Equal($"prepare --set s1\nstep 2 of {id}\nreport --set s1\n", all.Stdout);
        Assert.Contains("steps:", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("3.", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_FailingMiddleStep_ExitsWithItsCodeAndKeepGoingStillRunsTheLast()
    {
        var stopped = await Client.RunAsync("dispatch", "--json", "echo one", "sh 'exit 5'", "echo three");
        var kept = await Client.RunAsync("dispatch", "--json", "--keep-going", "echo one", "sh 'exit 5'", "echo three");

        stopped.ShouldExit(5);
        kept.ShouldExit(5);
        Assert.Equal(["Succeeded", "Failed", "Skipped"], JsonOutput.Parse(stopped).GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.Equal(["Succeeded", "Failed", "Succeeded"], JsonOutput.Parse(kept).GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Dispatch_OneUnknownStep_Exits64NamingTheStepAndStoresNothing()
    {
        var result = await Client.RunAsync("dispatch", "echo steps-never-stored", "nosuch", "echo never");
        var list = (await Client.RunAsync("list", "--command", "echo steps-never-stored", "--json")).ShouldExit(0);

        result.ShouldExit(ExitCode.InvalidInput);
        Assert.Contains("Step 2: Unknown command 'nosuch'", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, JsonOutput.Parse(list).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Output_StepOutOfRange_Exits64WithAClearMessage()
    {
        var id = JsonOutput.Parse((await Client.RunAsync("dispatch", "--json", "echo a", "echo b")).ShouldExit(0)).GetProperty("id").GetString()!;

        var result = await Client.RunAsync("output", id, "--step", "3");

        result.ShouldExit(ExitCode.InvalidInput);
        Assert.Contains("--step must be 1 to 2, not 3", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Artifacts_ListAndGet_FetchTheKeptFileAndCheckItsSha256()
    {
        var id = JsonOutput.Parse((await Client.RunAsync("dispatch", "--json", "sh 'echo 0.93 > \"$PLEXUS_ARTIFACTS_DIR/accuracy.txt\"; ln -s /etc/passwd \"$PLEXUS_ARTIFACTS_DIR/passwd\"'")).ShouldExit(0)).GetProperty("id").GetString()!;
        var target = Path.Combine(Path.GetTempPath(), $"plexus-artifact-{Guid.NewGuid():N}.txt");

        var table = (await Client.RunAsync("artifacts", id)).ShouldExit(0);
        var json = JsonOutput.Parse((await Client.RunAsync("artifacts", id, "--json")).ShouldExit(0));
        var stdout = (await Client.RunAsync("artifacts", id, "--get", "accuracy.txt")).ShouldExit(0);
        (await Client.RunAsync("artifacts", id, "--get", "accuracy.txt", "-o", target)).ShouldExit(0);
        var hostile = await Client.RunAsync("artifacts", id, "--get", "../x");
        var missing = await Client.RunAsync("artifacts", id, "--get", "passwd");

        try
        {
            var listed = Assert.Single(json.EnumerateArray());
            Assert.Equal("accuracy.txt", listed.GetProperty("name").GetString());
            Assert.Equal(5, listed.GetProperty("size").GetInt64());
            Assert.Equal(1, listed.GetProperty("step").GetInt32());
            Assert.Equal(1, listed.GetProperty("attempt").GetInt32());
            Assert.Equal(64, listed.GetProperty("sha256").GetString()!.Length);
            Assert.Contains("accuracy.txt", table.Stdout, StringComparison.Ordinal);
            Assert.Contains("not kept (step 1, attempt 1): passwd:", table.Stdout, StringComparison.Ordinal);
            Assert.Equal("0.93\n", stdout.Stdout);
            Assert.Equal("0.93\n", await File.ReadAllTextAsync(target));
            hostile.ShouldExit(ExitCode.InvalidInput);
            Assert.Contains("cannot leave the artifacts folder", hostile.Stderr, StringComparison.Ordinal);
            missing.ShouldExit(ExitCode.InvalidInput);
            Assert.Contains("has no artifact 'passwd'", missing.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(target);
        }
    }

    [Fact]
    public async Task Help_Dispatch_DocumentsStepsKeepGoingAndTheEnvironment()
    {
        var help = (await Client.RunAsync("dispatch", "--help")).ShouldExit(0);

        foreach (var text in new[] { "--keep-going", "--start-over", "PLEXUS_ACTION_ID", "PLEXUS_ATTEMPT", "PLEXUS_STEP", "PLEXUS_ARTIFACTS_DIR" })
        {
            Assert.Contains(text, help.Stdout, StringComparison.Ordinal);
        }
    }
}
