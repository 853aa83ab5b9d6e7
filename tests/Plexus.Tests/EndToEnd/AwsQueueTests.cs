using Plexus.Actions;
using Plexus.Aws;
using Plexus.Client;
using Plexus.Queues;
using Plexus.Tests.Aws.DynamoDb;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// Named queues and the drain across <c>plexus-silo</c> processes of the <c>Aws</c> profile (DynamoDB Local, fauxqs):
/// each Plexus queue has SQS queues of its own, so only silos serving it receive its commands.
/// </summary>
[Trait(Category.Name, Category.Aws)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class AwsQueueTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly string _workDir = Directory.CreateTempSubdirectory("plexus-aws-queues-").FullName;
    private readonly List<SiloProcess> _silos = [];

    // The Aws profile refuses to start without keys.
    private const string ApiKey = "aws-queue-test-key-0123456789";

    private string ClusterId => $"q-{_run}";

    private PlexusAwsSettings Aws => new() { TablePrefix = DynamoDbLocal.TablePrefix($"q{_run}"), QueuePrefix = $"q-{_run}" };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        Directory.Delete(_workDir, recursive: true);
    }

    [Fact]
    public async Task Dispatch_QueueNoSiloServes_WaitsWithTheReasonThenRunsWhenAServingSiloJoins()
    {
        await StartSiloAsync();
        await using var connection = await ConnectAsync();

        var queued = await connection.Actions.DispatchAsync(new ActionRequest("echo on-gpu", "tests", Queue: "gpu"));
        var reason = await Poll.UntilAsync(
            () => connection.Actions.WaitingReasonAsync(queued),
            r => r is not null,
            Deadline,
            "the waiting reason of an action for an unserved queue");
        Assert.Equal("no silo serves queue gpu", reason);
        Assert.Equal(ActionStatus.Queued, (await connection.Actions.GetAsync(queued.Id))!.Status);

        var gpu = await StartSiloAsync(("Plexus__Queues__gpu", "1"));
        using var deadline = new CancellationTokenSource(Deadline);
        var final = await connection.Actions.WaitForFinalAsync(queued.Id, deadline.Token);

        Assert.Equal(ActionStatus.Succeeded, final!.Status);
        Assert.Contains($":{gpu.SiloPort}:", final.Worker!.Silo, StringComparison.Ordinal);
        Assert.Equal("on-gpu\n", final.Result!.Stdout);
    }

    [Fact]
    public async Task Sigterm_ShortDrainDeadline_RequeuedAndCompletedOnTheOtherSiloAsAttempt2()
    {
        await StartSiloAsync();
        await StartSiloAsync();
        await using var connection = await ConnectAsync();
        var marker = Path.Combine(_workDir, "first-attempt");

        // The first attempt waits far past the drain deadline; the second finishes at once.
        var queued = await connection.Actions.DispatchAsync(new ActionRequest(
            $"sh 'if [ -e {marker} ]; then echo second; else touch {marker}; sleep 120; fi'", "tests", Retry: new RetryOverrides(MaxAttempts: 1)));
        var running = await Poll.UntilAsync(
            () => connection.Actions.GetAsync(queued.Id),
            a => a is { Status: ActionStatus.Running } && File.Exists(marker),
            Deadline,
            "the first attempt to run");
        var draining = _silos.Single(s => running!.Worker!.Silo.Contains($":{s.SiloPort}:", StringComparison.Ordinal));
        await draining.SignalStopAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        var final = await connection.Actions.WaitForFinalAsync(queued.Id, deadline.Token);

        Assert.Equal(0, await draining.WaitForExitAsync(Deadline));
        Assert.Equal(ActionStatus.Succeeded, final!.Status);
        Assert.Equal(2, final.Attempt);
        Assert.Equal("second\n", final.Result!.Stdout);
        Assert.DoesNotContain($":{draining.SiloPort}:", final.Worker!.Silo, StringComparison.Ordinal);
        var first = final.Attempts[0];
        Assert.Equal(AttemptOutcome.Drained, first.Outcome);
        Assert.Contains("drain", first.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(final.Attempts, a => a.Outcome == AttemptOutcome.WorkerLost);
    }

    private async Task<SiloProcess> StartSiloAsync(params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string?>
        {
            ["PLEXUS_PROFILE"] = "aws",
            ["Plexus__ClusterId"] = ClusterId,
            ["Plexus__Auth__Keys__tests__Key"] = ApiKey,
            ["Plexus__Auth__Keys__tests__Role"] = "admin",
            ["Plexus__Auth__ClusterSecret"] = SiloProcess.ClusterSecret,
            ["Plexus__AdvertisedIp"] = "127.0.0.1",
            ["Plexus__Aws__TablePrefix"] = Aws.TablePrefix,
            ["Plexus__Aws__QueuePrefix"] = Aws.QueuePrefix,
            ["Plexus__DrainTimeout"] = "00:00:01",
            ["Plexus__StopGracePeriod"] = "00:00:02",
            ["Plexus__WorkerHeartbeatInterval"] = "00:00:00.5",
            ["Plexus__Commands__sh__Executable"] = "/bin/sh",
            ["Plexus__Commands__sh__Arguments__0"] = "-c",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var silo = await SiloProcess.StartNewAsync(environment);
        _silos.Add(silo);
        return silo;
    }

    private Task<PlexusConnection> ConnectAsync() =>
        PlexusConnection.ConnectAsync(o => (o.Profile, o.Aws, o.ClusterId, o.ApiKey) = (Profiles.Aws, Aws, ClusterId, ApiKey));
}
