using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Configuration;
using Plexus.Actions;
using Plexus.Aws;
using Plexus.Aws.DynamoDb.Clustering;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Client;
using Plexus.Queries;
using Plexus.Tests.Aws.DynamoDb;
using Xunit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// Three <c>plexus-silo</c> processes of the <c>Aws</c> profile, joined only through the DynamoDB membership table
/// (DynamoDB Local, fauxqs), and a client that finds them there. One silo is killed with SIGKILL mid-run.
/// </summary>
[Trait(Category.Name, Category.Aws)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class AwsClusterTests : IAsyncLifetime
{
    private const int ActionCount = 300;
    private const string ApiKey = "aws-cluster-test-key-0123456789";
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(3);

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly string _workDir = Directory.CreateTempSubdirectory("plexus-aws-e2e-").FullName;
    private readonly List<SiloProcess> _silos = [];

    private string ClusterId => $"e2e-{_run}";

    private PlexusAwsSettings Aws => new() { TablePrefix = DynamoDbLocal.TablePrefix($"e2e{_run}"), QueuePrefix = $"e2e-{_run}" };

    private string RunsFile => Path.Combine(_workDir, "runs");

    // Created after the kill: until then every command waits, so the killed silo is surely running some.
    private string ReleaseFile => Path.Combine(_workDir, "release");

    public async Task InitializeAsync()
    {
        // Short leases and recovery checks, so the killed silo's work is taken over within seconds.
        var environment = new Dictionary<string, string?>
        {
            ["PLEXUS_PROFILE"] = "aws",
            ["Plexus__ClusterId"] = ClusterId,
            ["Plexus__AdvertisedIp"] = "127.0.0.1",
            ["Plexus__Aws__TablePrefix"] = Aws.TablePrefix,
            ["Plexus__Aws__QueuePrefix"] = Aws.QueuePrefix,
            ["Plexus__LeaseDuration"] = "00:00:03",
            ["Plexus__RecoveryInterval"] = "00:00:02",
            ["Plexus__Retry__InitialDelay"] = "00:00:00.2",
            ["Plexus__Commands__sh__Executable"] = "/bin/sh",
            ["Plexus__Commands__sh__Arguments__0"] = "-c",

            // The Aws profile starts only with keys.
            ["Plexus__Auth__Keys__tests__Key"] = ApiKey,
            ["Plexus__Auth__Keys__tests__Role"] = "admin",
            ["Plexus__Auth__ClusterSecret"] = SiloProcess.ClusterSecret,
        };
        for (var i = 0; i < 3; i++)
        {
            _silos.Add(await SiloProcess.StartNewAsync(environment));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        Directory.Delete(_workDir, recursive: true);
    }

    [Fact]
    public async Task Kill9_OneOfThreeSilosMidRun_EveryActionFinishesOncePerAttemptAndTheSiloIsDeclaredDead()
    {
        await using var connection = await PlexusConnection.ConnectAsync(o => (o.Profile, o.Aws, o.ClusterId, o.ApiKey) = (Profiles.Aws, Aws, ClusterId, ApiKey));
        var ids = new List<Guid>();
        foreach (var chunk in Enumerable.Range(0, ActionCount).Chunk(25))
        {
            ids.AddRange(await Task.WhenAll(chunk.Select(async i =>
                (await connection.Actions.DispatchAsync(new ActionRequest($"sh 'echo a{i} >> {RunsFile}; until [ -e {ReleaseFile} ]; do sleep 0.05; done'", "tests"))).Id)));
        }

        // Kill, mid-run, a silo that is running a command right now. Commands wait for the release file, created only
        // after the kill, so however slow the machine, the kill lands inside a command and that attempt is lost.
        var running = await Poll.UntilAsync(
            async () => await FirstRunningAsync(connection, ids),
            action => action is not null,
            RecoveryTimeout,
            "an action to be running");
        var victim = _silos.Single(s => running!.Worker!.Silo.Contains($":{s.SiloPort}:", StringComparison.Ordinal));
        await victim.CrashAsync();
        await File.WriteAllTextAsync(ReleaseFile, "");

        var finals = new List<ActionSnapshot>();
        foreach (var id in ids)
        {
            using var deadline = new CancellationTokenSource(RecoveryTimeout);
            finals.Add(await connection.Actions.WaitForFinalAsync(id, deadline.Token) ?? throw new InvalidOperationException($"action {id} vanished"));
        }

        Assert.All(finals, a => Assert.Equal(ActionStatus.Succeeded, a.Status));
        var runs = File.ReadAllLines(RunsFile).GroupBy(line => line).ToDictionary(g => g.Key, g => g.Count());
        for (var i = 0; i < ActionCount; i++)
        {
            // At most once per attempt; a lost attempt may or may not have got as far as running its command.
            var ran = runs.GetValueOrDefault($"a{i}");
            Assert.InRange(ran, 1, finals[i].Attempt);
        }

        Assert.Contains(finals, a => a.Attempts.Any(attempt => attempt.Outcome == AttemptOutcome.WorkerLost));

        // The index the silos keep in DynamoDB lists every action in its final state (written just after it is stored).
        var listed = await Poll.UntilAsync(
            () => connection.Actions.ListAsync(new ActionQuery { Submitter = "tests", Limit = ActionQuery.MaxLimit }),
            page => page.Items.Count == ActionCount && page.Items.All(item => item.Status.IsFinal()),
            RecoveryTimeout,
            "every action to be listed as final",
            page => $"{page.Items.Count} listed, counts {string.Join(", ", page.Counts.Select(c => $"{c.Key}={c.Value}"))}");
        Assert.Equal(ids.Order(), listed.Items.Select(item => item.Id).Order());
        Assert.All(listed.Items, item => Assert.Equal(ActionStatus.Succeeded, item.Status));
        Assert.Equal(new Dictionary<ActionStatus, long> { [ActionStatus.Succeeded] = ActionCount }, listed.Counts);
        Assert.Null(listed.Next);
        await Poll.UntilAsync(
            () => SiloStatusAsync(victim.SiloPort),
            status => status == SiloStatus.Dead,
            RecoveryTimeout,
            $"the killed silo (port {victim.SiloPort}) to be declared dead in the membership table");
    }

    private static async Task<ActionSnapshot?> FirstRunningAsync(PlexusConnection connection, IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
        {
            if (await connection.Actions.GetAsync(id) is { Status: ActionStatus.Running, Worker: not null } action)
            {
                return action;
            }
        }

        return null;
    }

    private async Task<SiloStatus?> SiloStatusAsync(int siloPort)
    {
        var table = new DynamoDbMembershipTable(
            MsOptions.Create(new DynamoDbClusteringOptions { TablePrefix = Aws.TablePrefix }),
            MsOptions.Create(new ClusterOptions { ClusterId = ClusterId, ServiceId = ClusterIds.ServiceId }),
            NullLogger<DynamoDbMembershipTable>.Instance);
        var rows = await table.ReadAllAsync(CancellationToken.None);
        return rows.Members.Select(m => m.Item1).Where(e => e.SiloAddress.Endpoint.Port == siloPort).OrderBy(e => e.StartTime).LastOrDefault()?.Status;
    }
}
