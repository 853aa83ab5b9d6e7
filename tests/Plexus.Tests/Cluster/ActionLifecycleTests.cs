using Plexus.Diagnostics;
using System.Diagnostics.Metrics;
using Orleans.Streams;
using Orleans.TestingHost;
using Plexus.Actions;
using Plexus.Execution;

namespace Plexus.Tests.Cluster;

[Trait(Category.Name, Category.Cluster)]
[Collection(ClusterCollection.Name)]
public sealed class ActionLifecycleTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Deadline = Poll.DefaultTimeout;

    [Fact]
    public async Task Dispatch_EchoCommand_SucceedsWithStdout()
    {
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest("echo hello 'big world'", "tests"));
        Assert.Equal(ActionStatus.Queued, queued.Status);
        Assert.Equal(1, queued.Attempt);

        var final = await WaitAsync(queued.Id);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        var result = Assert.IsType<CommandResult>(final.Result);
        Assert.Equal(ResultStatus.Success, result.Status);
        Assert.Equal("hello big world\n", result.Stdout);
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.Error);
        Assert.Equal("echo hello 'big world'", result.Command);
        Assert.Equal(1, result.Attempt);
        Assert.NotNull(result.Worker);
        Assert.Equal("tests", final.Submitter);
        Assert.True(final.QueuedAt <= final.StartedAt && final.StartedAt <= result.StartedAt && result.FinishedAt <= final.FinishedAt,
            $"timestamps out of order: queued {final.QueuedAt:O}, started {final.StartedAt:O}, ran {result.StartedAt:O}..{result.FinishedAt:O}, finished {final.FinishedAt:O}");
    }

    [Fact]
    public async Task Dispatch_FailingCommand_FailsWithExitCodeAndStderr()
    {
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest("sh 'echo partial; echo broken >&2; exit 3'", "tests"));

        var final = await WaitAsync(queued.Id);

        Assert.Equal(ActionStatus.Failed, final.Status);
        var result = Assert.IsType<CommandResult>(final.Result);
        Assert.Equal(ResultStatus.Error, result.Status);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("partial\n", result.Stdout);
        Assert.Equal("broken\n", result.Stderr);
        Assert.Contains("code 3", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_ProgramThatCannotStart_FailsWithReason()
    {
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest("missing --flag", "tests"));

        var final = await WaitAsync(queued.Id);

        Assert.Equal(ActionStatus.Failed, final.Status);
        var result = Assert.IsType<CommandResult>(final.Result);
        Assert.Equal(ResultStatus.Error, result.Status);
        Assert.Null(result.ExitCode);
        Assert.Contains("/nonexistent/program", result.Error, StringComparison.Ordinal);
        Assert.Contains("not found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_UnknownCommand_RejectedAndNothingStored()
    {
        var grain = fixture.Cluster.Client.GetGrain<IActionGrain>(Guid.NewGuid());

        var error = await Assert.ThrowsAsync<CommandRejectedException>(() => grain.SubmitAsync(new ActionRequest("rm -rf /", "tests")));

        Assert.Equal(CommandRules.UnknownCommand, error.Rule);
        Assert.Contains("echo, missing, sh", error.Message, StringComparison.Ordinal);
        Assert.Null(await grain.GetAsync());
    }

    [Fact]
    public async Task Envelope_DeliveredTwice_RunsOnce()
    {
        var marker = Path.Combine(fixture.WorkDir, $"runs-{Guid.NewGuid():N}");
        using var dropped = new DroppedEnvelopes(fixture.Cluster);
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest($"sh 'echo run >> {marker}; sleep 0.3'", "tests"));

        // Two more deliveries of the very same envelope: one while the first may still be queued or running, one after.
        var stream = fixture.Cluster.Client.GetStreamProvider(CommandStreams.ProviderName)
            .GetStream<CommandEnvelope>(CommandStreams.For(queued.Id, Plexus.Queues.QueueNames.Default));
        await stream.OnNextAsync(new CommandEnvelope(queued.Id, 1));
        var final = await WaitAsync(queued.Id);
        await stream.OnNextAsync(new CommandEnvelope(queued.Id, 1));
        await dropped.WaitForAsync(2, Deadline);

        Assert.Equal(ActionStatus.Succeeded, final.Status);
        Assert.Equal(["run"], await File.ReadAllLinesAsync(marker));
        var again = await fixture.Actions.GetAsync(queued.Id);
        Assert.Equal(final.Version, again!.Version);
    }

    [Fact]
    public async Task WorkerPool_Concurrency2_NeverRunsMoreThanTwoAtOnce()
    {
        var queued = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(_ => fixture.Actions.DispatchAsync(new ActionRequest("sh 'sleep 0.4'", "tests"))));

        var finals = await Task.WhenAll(queued.Select(a => WaitAsync(a.Id)));

        Assert.All(finals, a => Assert.Equal(ActionStatus.Succeeded, a.Status));

        // The result intervals enclose each process's whole life, so their overlap bounds the processes' overlap.
        var edges = finals
            .SelectMany(a => new[] { (At: a.Result!.StartedAt, Delta: 1), (At: a.Result.FinishedAt, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta);
        var running = 0;
        var most = 0;
        foreach (var edge in edges)
        {
            running += edge.Delta;
            most = Math.Max(most, running);
        }

        Assert.Equal(ClusterFixture.Concurrency, most);
    }

    [Fact]
    public async Task Cancel_QueuedAction_EndsCancelledAndNeverRuns()
    {
        var marker = Path.Combine(fixture.WorkDir, $"cancelled-{Guid.NewGuid():N}");
        using var dropped = new DroppedEnvelopes(fixture.Cluster);
        var blockers = await OccupyAllWorkersAsync();
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest($"sh 'echo ran > {marker}'", "tests"));

        var answer = await fixture.Actions.CancelAsync(queued.Id, "tester");

        Assert.True(answer.Accepted, answer.Message);
        Assert.Equal(ActionStatus.Cancelled, answer.Action.Status);
        Assert.Equal("tester", answer.Action.CancelRequestedBy);
        await Task.WhenAll(blockers.Select(b => WaitAsync(b.Id)));
        await dropped.WaitForAsync(1, Deadline);
        Assert.False(File.Exists(marker), "the cancelled command ran");
        Assert.Equal(ActionStatus.Cancelled, (await fixture.Actions.GetAsync(queued.Id))!.Status);
    }

    [Fact]
    public async Task Cancel_FinishedAction_IsANoOpAnswer()
    {
        var done = await WaitAsync((await fixture.Actions.DispatchAsync(new ActionRequest("echo done", "tests"))).Id);

        var answer = await fixture.Actions.CancelAsync(done.Id, "tester");

        Assert.False(answer.Accepted);
        Assert.Contains("already ended Succeeded", answer.Message, StringComparison.Ordinal);
        Assert.Equal(done.Version, answer.Action.Version);
    }

    [Fact]
    public async Task Dispatch_QueueDeadlinePasses_EndsExpiredAndNeverRuns()
    {
        var marker = Path.Combine(fixture.WorkDir, $"expired-{Guid.NewGuid():N}");
        var blockers = await OccupyAllWorkersAsync();
        var queued = await fixture.Actions.DispatchAsync(
            new ActionRequest($"sh 'echo ran > {marker}'", "tests", Expires: TimeSpan.FromMilliseconds(300)));

        var final = await WaitAsync(queued.Id);
        await Task.WhenAll(blockers.Select(b => WaitAsync(b.Id)));

        Assert.Equal(ActionStatus.Expired, final.Status);
        Assert.Null(final.StartedAt);
        Assert.Null(final.Result);
        Assert.False(File.Exists(marker), "the expired command ran");
    }

    [Fact]
    public async Task Cancel_RunningAction_StopsTreeAndEndsCancelledWithOutputSoFar()
    {
        var pidFile = Path.Combine(fixture.WorkDir, $"pids-{Guid.NewGuid():N}");
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest(
            $"sh 'trap \"\" TERM; sleep 60 & echo $$ $! > {pidFile}; echo started; wait'", "tests"));
        var pidLine = await Poll.UntilAsync(() => Task.FromResult(File.Exists(pidFile) ? File.ReadAllText(pidFile) : ""), text => text.EndsWith('\n'), Deadline,
            $"the command to write its pids to {pidFile}", text => $"'{text}'");
        var pids = pidLine.Split(' ', StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();

        var answer = await fixture.Actions.CancelAsync(queued.Id, "tester");
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var final = await WaitAsync(queued.Id);

        Assert.True(answer.Accepted, answer.Message);
        Assert.Equal(ActionStatus.Cancelled, final.Status);
        // The 2 s grace period, then SIGKILL; generous slack for a loaded machine, far below the command's own 60 s.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2 + 10), $"cancel took {stopwatch.Elapsed}");
        Assert.Equal(StopReason.Cancelled, final.Result!.StoppedBy);
        Assert.Equal(ResultStatus.Error, final.Result.Status);
        Assert.Contains("started", final.Result.Stdout, StringComparison.Ordinal);
        Assert.All(pids, pid => Assert.False(IsAlive(pid), $"process {pid} of the cancelled tree is still alive"));
    }

    [Fact]
    public async Task Dispatch_RunTimeLimitPasses_EndsTimedOut()
    {
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest("sh 'echo working; sleep 60'", "tests", Timeout: TimeSpan.FromMilliseconds(500)));

        var final = await WaitAsync(queued.Id);

        Assert.Equal(ActionStatus.TimedOut, final.Status);
        Assert.Equal(StopReason.TimedOut, final.Result!.StoppedBy);
        Assert.Contains("run-time limit", final.Result.Error, StringComparison.Ordinal);
        Assert.Equal("working\n", final.Result.Stdout);
        Assert.True(final.Result.Duration < TimeSpan.FromSeconds(10), $"ran {final.Result.Duration}");
    }

    [Fact]
    public async Task Watch_DemoCommand_ReceivesStatusChangesStagesAndOutputInOrder()
    {
        // About 3 s of Processing: a dozen reports on a quiet machine, and still several when a loaded one delays the worker's report timer.
        var queued = await fixture.Actions.DispatchAsync(new ActionRequest("demo --items 3000", "tests"));
        var statuses = new List<ActionStatus>();
        var stages = new List<string>();
        var processed = new List<long>();
        var output = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(Deadline);

        await foreach (var item in fixture.Actions.WatchAsync(queued.Id, timeout.Token))
        {
            if (item.Action is { } action)
            {
                if (statuses.Count == 0 || statuses[^1] != action.Status)
                {
                    statuses.Add(action.Status);
                }

                if (action.Stages.LastOrDefault() is { } stage)
                {
                    if (stages.Count == 0 || stages[^1] != stage.Name)
                    {
                        stages.Add(stage.Name);
                    }

                    if (stage.Name == "Processing" && stage.Processed is { } done)
                    {
                        processed.Add(done);
                    }
                }
            }
            else
            {
                output.Append(item.Output!.Text);
            }
        }

        Assert.Equal(ActionStatus.Succeeded, statuses[^1]);
        Assert.Equal(statuses.Order().ToList(), statuses);
        Assert.Contains(ActionStatus.Running, statuses);
        string[] expectedStages = ["Setup", "Processing", "Analysis"];

        // A watcher that subscribes late may miss a first stage live, but never sees stages out of order.
        Assert.Equal(stages.OrderBy(name => Array.IndexOf(expectedStages, name)), stages);
        Assert.Contains("Processing", stages);
        Assert.True(processed.Count >= 2, $"saw Processing counts {string.Join(",", processed)}");
        Assert.Equal(processed.Order().ToList(), processed);
        Assert.Contains("Done: processed 3000 items.", output.ToString(), StringComparison.Ordinal);
        var final = await fixture.Actions.GetAsync(queued.Id);
        Assert.Equal(expectedStages, final!.Stages.Select(s => s.Name));
        Assert.All(final.Stages, s => Assert.Equal(StageStatus.Completed, s.Status));
    }

    private static bool IsAlive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z');


    // Starts one slow command per worker and returns once all of them run, so the next dispatch waits in the queue.
    private async Task<ActionSnapshot[]> OccupyAllWorkersAsync()
    {
        var blockers = await Task.WhenAll(Enumerable.Range(0, ClusterFixture.Concurrency)
            .Select(_ => fixture.Actions.DispatchAsync(new ActionRequest("sh 'sleep 1.5'", "tests"))));
        foreach (var blocker in blockers)
        {
            await fixture.Actions.UntilAsync(blocker.Id, a => a.Status != ActionStatus.Queued, "the blocking command to start");
        }

        return blockers;
    }

    private Task<ActionSnapshot> WaitAsync(Guid id) => fixture.Actions.FinalAsync(id);

    /// <summary>
    /// Counts envelopes the workers of this test's cluster dropped as not startable, from the workers' own metric. The
    /// meter is process-wide: measurements of other clusters running in parallel are told apart by their silo tag.
    /// </summary>
    private sealed class DroppedEnvelopes : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public DroppedEnvelopes(InProcessTestCluster cluster)
        {
            var silos = cluster.Silos.Select(s => s.SiloAddress.ToString()).ToHashSet(StringComparer.Ordinal);
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PlexusMetrics.MeterName && instrument.Name == "plexus.worker.envelopes.dropped")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: PlexusMetrics.SiloTag, Value: string silo } && silos.Contains(silo))
                    {
                        Interlocked.Add(ref _count, value);
                    }
                }
            });
            _listener.Start();
        }

        public Task WaitForAsync(long expected, TimeSpan deadline) =>
            Poll.UntilAsync(() => Task.FromResult(Interlocked.Read(ref _count)), count => count >= expected, deadline, $"{expected} dropped envelope(s)");

        public void Dispose() => _listener.Dispose();
    }
}
