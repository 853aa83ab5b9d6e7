using System.Globalization;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Plexus.Actions;
using Plexus.Client;
using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary><c>watch</c>, <c>cancel</c>, retries and idempotency keys through the real client and silo.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(SharedSiloCollection.Name)]
public sealed class WatchCancelRetryTests(SiloFixture fixture)
{
    private static readonly TimeSpan FinalTimeout = TimeSpan.FromSeconds(30);

    private PlexusClient Client => fixture.Silo.Client;

    [Fact]
    public async Task Watch_FinishedAction_PrintsItsFinalStateAndExitsWithItsCode()
    {
        var id = await DispatchAsyncAsync("false");
        await Client.WaitForStatusAsync(id, "Failed", FinalTimeout);

        var watched = (await Client.RunAsync("watch", id.ToString())).ShouldExit(1);

        Assert.Contains("[Failed]", watched.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_Json_FollowsARunningDemoToTheEnd()
    {
        var id = await DispatchAsyncAsync("demo --items 8000");

        var watched = (await Client.RunAsync("watch", id.ToString(), "--json")).ShouldExit(0);

        var events = watched.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var changes = events.Where(e => e.GetProperty("event").GetString() == "changed").Select(e => e.GetProperty("action")).ToList();
        var versions = changes.Select(a => a.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(versions.Order().Distinct(), versions);
        Assert.Equal("Succeeded", changes[^1].GetProperty("status").GetString());
        Assert.Equal(["Setup", "Processing", "Analysis"], changes[^1].GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var output = string.Concat(events.Where(e => e.GetProperty("event").GetString() == "output").Select(e => e.GetProperty("text").GetString()));
        Assert.Contains("Done: processed 8000 items.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_RunningDemo_ShowsItsOutputWithoutProtocolLinesThatTheStoredOutputKeeps()
    {
        var id = await DispatchAsyncAsync("demo --items 2000");

        var watched = (await Client.RunAsync("watch", id.ToString())).ShouldExit(0);
        var stored = JsonOutput.Parse(await Client.RunAsync("status", id.ToString(), "--json")).GetProperty("result").GetProperty("stdout").GetString();

        Assert.Contains("Stage Analysis: summarising results", watched.Stdout, StringComparison.Ordinal);
        Assert.Contains("Done: processed 2000 items.", watched.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("::plexus", watched.Stdout, StringComparison.Ordinal);
        Assert.Contains("::plexus stage=Processing processed=2000 total=2000", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_RunningCommand_EndsCancelledAndASecondCancelIsANoOp()
    {
        var id = await DispatchAsyncAsync("sleep 60");
        await Client.WaitForStatusAsync(id, "Running", FinalTimeout);

        var cancelled = (await Client.RunAsync("cancel", id.ToString())).ShouldExit(0);
        var final = await Client.WaitForStatusAsync(id, "Cancelled", FinalTimeout);
        var again = (await Client.RunAsync("cancel", id.ToString())).ShouldExit(0);

        Assert.Contains("is running; its command is being stopped", cancelled.Stdout, StringComparison.Ordinal);
        Assert.Contains("already ended Cancelled; nothing to cancel", again.Stdout, StringComparison.Ordinal);
        Assert.Equal($"{Environment.UserName}@{Environment.MachineName}", final.GetProperty("cancelRequestedBy").GetString());
    }

    [Fact]
    public async Task Dispatch_RunTimeLimitPasses_Exits70SayingTheActionTimedOut()
    {
        var result = await Client.RunAsync("dispatch", "--timeout", "0.5", "sleep 30");

        result.ShouldExit(ExitCode.NoExitCode);
        Assert.Contains("ended TimedOut", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("run-time limit", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_CancelledWhileFollowed_Exits70SayingTheActionWasCancelled()
    {
        var key = "e2e-cancelled-" + Guid.NewGuid().ToString("N");
        var id = IdempotencyKeys.ActionId(key);
        var following = Client.RunAsync("dispatch", "--idempotency-key", key, "sleep 60");
        await Client.WaitForStatusAsync(id, "Running", FinalTimeout);

        (await Client.RunAsync("cancel", id.ToString())).ShouldExit(ExitCode.Ok);
        var result = await following;

        result.ShouldExit(ExitCode.NoExitCode);
        Assert.Contains("ended Cancelled", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_InterruptedWhileWaiting_Exits130AndTheActionGoesOn()
    {
        // The key names the action before it exists, so the test knows the id of a synchronous dispatch.
        var key = "e2e-interrupt-" + Guid.NewGuid().ToString("N");
        var id = IdempotencyKeys.ActionId(key);
        // Through env: a test host started in the background of a shell ignores SIGINT, and its children would inherit that.
        var waiting = Cli.Wrap("env")
            .WithArguments(["--default-signal=INT", Binaries.Client, "dispatch", "--idempotency-key", key, "sleep 60"])
            .WithEnvironmentVariables(new Dictionary<string, string?> { [GatewayAddress.EnvironmentVariable] = fixture.Silo.Gateway })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        await Client.WaitForStatusAsync(id, "Running", FinalTimeout);

        await Cli.Wrap("kill").WithArguments(["-INT", waiting.ProcessId.ToString(CultureInfo.InvariantCulture)]).ExecuteAsync();
        var interrupted = await waiting.Task.WaitAsync(FinalTimeout);
        var after = JsonOutput.Parse((await Client.RunAsync("status", id.ToString(), "--json")).ShouldExit(ExitCode.Ok));
        (await Client.RunAsync("cancel", id.ToString())).ShouldExit(ExitCode.Ok);

        Assert.True(interrupted.ExitCode == ExitCode.Interrupted, $"exited {interrupted.ExitCode}\n{interrupted.StandardError}");
        Assert.Contains($"action {id} goes on", interrupted.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", interrupted.StandardError, StringComparison.Ordinal);
        Assert.Equal("Running", after.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Dispatch_RetryFlags_RetryTheListedExitCodeAndStatusListsTheAttempts()
    {
        var result = await Client.RunAsync("dispatch", "--max-attempts", "3", "--retry-exit-code", "1", "false");

        result.ShouldExit(1);
        var id = Guid.Parse(JsonOutput.Parse(await Client.RunAsync("dispatch", "--json", "--max-attempts", "2", "--retry-exit-code", "1", "false")).GetProperty("id").GetString()!);
        var text = (await Client.RunAsync("status", id.ToString())).ShouldExit(0).Stdout;
        Assert.Contains("attempts:  2 of at most 2", text, StringComparison.Ordinal);
        Assert.Contains("#1", text, StringComparison.Ordinal);
        Assert.Contains("#2", text, StringComparison.Ordinal);
        Assert.Contains("Failed, exit code 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_SameIdempotencyKey_ReturnsTheSameAction()
    {
        var key = "e2e-" + Guid.NewGuid().ToString("N");

        var first = await DispatchAsyncAsync("echo once", "--idempotency-key", key);
        var second = await DispatchAsyncAsync("echo once", "--idempotency-key", key);
        var other = await Client.RunAsync("dispatch", "--async", "--idempotency-key", key, "echo twice");

        Assert.Equal(first, second);
        other.ShouldExit(ExitCode.InvalidInput);
        Assert.Contains("already used", other.Stderr, StringComparison.Ordinal);
    }

    private async Task<Guid> DispatchAsyncAsync(string command, params string[] options)
    {
        var dispatched = (await Client.RunAsync(["dispatch", "--async", .. options, command], PlexusClient.DefaultTimeout)).ShouldExit(0);
        return Guid.Parse(dispatched.Stdout.Split('\n')[0].Trim());
    }

}
