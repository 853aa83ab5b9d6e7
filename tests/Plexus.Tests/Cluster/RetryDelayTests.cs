using Plexus.Actions;

namespace Plexus.Tests.Cluster;

/// <summary>
/// The wait before each retry as a silo applies it (1 s initial, 2 s cap): doubled per attempt, capped, and scaled by a
/// random factor between 0.5 and 1. Each wait is read from the <c>Retrying</c> snapshots a watcher is pushed.
/// </summary>
[Trait(Category.Name, Category.Cluster)]
public sealed class RetryDelayTests : IAsyncLifetime
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(2);

    // How late the grain may record a result after the process ended (the worker's last report and the call).
    private static readonly TimeSpan Latency = TimeSpan.FromSeconds(1.5);

    private readonly TempCluster _silos = new("plexus-retry-delay-");

    public Task InitializeAsync() => _silos.DeployAsync(1, concurrency: 1, new Dictionary<string, string?>
    {
        ["Plexus:Retry:InitialDelay"] = "00:00:01",
        ["Plexus:Retry:MaxDelay"] = "00:00:02",
    });

    public Task DisposeAsync() => _silos.DisposeAsync().AsTask();

    [Fact]
    public async Task Dispatch_RetriedFiveTimes_WaitsDoubleEachTimeUpToTheCapWithJitter()
    {
        var actions = _silos.Actions;
        var queued = await actions.DispatchAsync(new ActionRequest("sh 'sleep 0.2; exit 75'", "tests", Retry: new RetryOverrides(MaxAttempts: 6, RetryExitCodes: [75])));

        // Attempt n's wait: from the end of attempt n-1 (the worker's clock, the silo's machine) to the next attempt's due time.
        var waits = new Dictionary<int, TimeSpan>();
        using var deadline = new CancellationTokenSource(Poll.DefaultTimeout);
        await foreach (var item in actions.WatchAsync(queued.Id, deadline.Token))
        {
            if (item.Action is { Status: ActionStatus.Retrying, NextAttemptAt: { } due, Attempts: [.., var ended] })
            {
                waits[ended.Number + 1] = due - ended.FinishedAt;
            }
        }

        var final = await actions.FinalAsync(queued.Id);
        Assert.Equal(6, final.Attempt);
        Assert.Equal([2, 3, 4, 5, 6], waits.Keys.Order());
        var shown = string.Join(", ", waits.OrderBy(w => w.Key).Select(w => $"#{w.Key}: {w.Value.TotalSeconds:0.000} s"));
        foreach (var (attempt, wait) in waits)
        {
            // Capped from attempt 4 on: uncapped, attempt 6 would wait at least 8 s.
            var nominal = TimeSpan.FromTicks(Math.Min(Initial.Ticks << (attempt - 2), Cap.Ticks));
            Assert.True(wait >= nominal / 2 && wait <= nominal + Latency, $"attempt {attempt} waited outside {nominal / 2}..{nominal} (+ latency): {shown}");
        }

        // Jitter: without it each capped wait would be the full 2 s or more; with it, all three of them at 1.9 s or more is a 1-in-1000 draw.
        Assert.True(new[] { waits[4], waits[5], waits[6] }.Any(w => w < Cap * 0.95), $"no random factor in the capped waits: {shown}");
    }
}
