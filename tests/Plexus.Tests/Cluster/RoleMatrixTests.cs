using Plexus.Actions;
using Plexus.Audit;
using Plexus.Client;
using Plexus.Queries;
using Orleans.Runtime;
using Plexus.Security;

namespace Plexus.Tests.Cluster;

/// <summary>
/// Each role against each operation of the client library, on a real silo with API keys configured: allowed or
/// refused with <see cref="AccessDeniedException"/>, a refused call changing nothing and landing in the audit log.
/// </summary>
[Trait(Category.Name, Category.Cluster)]
public sealed class RoleMatrixTests(RoleMatrixTests.KeyedCluster silos) : IClassFixture<RoleMatrixTests.KeyedCluster>
{
    private static readonly Dictionary<string, (string Key, Role Role)> Keys = new()
    {
        ["vera"] = ("viewer-key-0123456789abcdef", Role.Viewer),
        ["otto"] = ("operator-key-0123456789abcdef", Role.Operator),
        ["ada"] = ("admin-key-0123456789abcdef", Role.Admin),
        ["dash"] = ("service-key-0123456789abcdef", Role.Service),
    };

    private readonly TempCluster _silos = silos.Silos;

    /// <summary>One silo with the keys for every row of the matrix: each row dispatches and cleans up its own actions.</summary>
    public sealed class KeyedCluster : IAsyncLifetime
    {
        /// <summary>Gets the silo.</summary>
        public TempCluster Silos { get; } = new("plexus-roles-");

        public Task InitializeAsync()
        {
            var settings = new Dictionary<string, string?>
            {
                ["Plexus:Commands:report:Executable"] = "echo",
                ["Plexus:Commands:report:Roles:0"] = "admin",
            };
            foreach (var (name, (key, role)) in Keys)
            {
                settings[$"Plexus:Auth:Keys:{name}:Role"] = role.Name();
                settings[$"Plexus:Auth:Keys:{name}:" + (name == "vera" ? "KeyHash" : "Key")] = name == "vera" ? Sha256(key) : key;
            }

            return Silos.DeployAsync(1, concurrency: 2, settings);
        }

        public async Task DisposeAsync() => await Silos.DisposeAsync();
    }

    /// <summary>Who calls: a key's name, "none" for no key, "stranger" for a key nobody has, "dash/…" for a service acting for an end user.</summary>
    public static TheoryData<string, string, bool> Matrix()
    {
        // operation → the callers that may do it.
        var allowed = new Dictionary<string, string[]>
        {
            ["get"] = ["vera", "otto", "ada", "dash", "dash/viewer"],
            ["wait"] = ["vera", "otto", "ada", "dash", "dash/viewer"],
            ["watch"] = ["vera", "otto", "ada", "dash", "dash/viewer"],
            ["list"] = ["vera", "otto", "ada", "dash", "dash/viewer"],
            ["dispatch"] = ["otto", "ada", "dash"],
            ["dispatch-admin-only-command"] = ["ada"],
            ["cancel-own"] = ["otto", "ada", "dash"],
            ["cancel-others"] = ["ada"],
            ["audit"] = ["ada", "dash/admin"],
            ["worker-complete"] = [],
            ["retention-forget"] = [],
        };
        string[] callers = ["none", "stranger", "vera", "otto", "ada", "dash", "dash/viewer", "dash/admin", "otto/admin"];
        var data = new TheoryData<string, string, bool>();
        foreach (var (operation, who) in allowed)
        {
            foreach (var caller in callers)
            {
                var expected = who.Contains(caller) || (caller == "dash/admin" && operation is not ("worker-complete" or "retention-forget"));
                data.Add(caller, operation, expected);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Call_RoleAndOperation_IsAllowedOrRefusedAsDeclared(string caller, string operation, bool allowed)
    {
        var admin = Client("ada");
        var othersAction = await admin.DispatchAsync(new ActionRequest("sh 'sleep 30'", "ignored"));
        var client = Client(caller);
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        var run = operation switch
        {
            "get" => client.GetAsync(othersAction.Id),
            "wait" => client.WaitForFinalAsync(Guid.NewGuid()),
            "watch" => WatchFirstAsync(client, othersAction.Id),
            "list" => client.ListAsync(new ActionQuery { Limit = 1 }),
            "dispatch" => client.DispatchAsync(new ActionRequest("echo hi", "ignored")),
            "dispatch-admin-only-command" => client.DispatchAsync(new ActionRequest("report now", "ignored")),
            "cancel-own" => CancelOwnAsync(caller, client),
            "cancel-others" => client.CancelAsync(othersAction.Id, "ignored"),
            "audit" => client.ListAuditAsync(new AuditQuery { Limit = 1 }),
            "worker-complete" => Forged(caller, () => _silos.Cluster.Client.GetGrain<IActionWorkerGrain>(othersAction.Id).TryStartAsync(1, new WorkerInfo("forged", "forged"), null!)),
            "retention-forget" => Forged(caller, () => _silos.Cluster.Client.GetGrain<IActionRetentionGrain>(othersAction.Id).ForgetIfDueAsync()),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };

        if (allowed)
        {
            await run;
        }
        else
        {
            var error = await Assert.ThrowsAsync<AccessDeniedException>(() => run);
            Assert.StartsWith("Access denied: ", error.Message, StringComparison.Ordinal);
            var refused = await admin.ListAuditAsync(new AuditQuery { Since = since, Limit = 100 });
            Assert.Contains(refused.Items, e => e.Outcome == AuditOutcome.Refused && e.Detail.Contains(error.Message["Access denied: ".Length..], StringComparison.Ordinal));
        }

        // Whatever was allowed or refused, the other submitter's action is untouched unless an admin cancelled it.
        var after = await admin.GetAsync(othersAction.Id);
        var cancelledByAdmin = allowed && operation == "cancel-others";
        Assert.Equal(cancelledByAdmin, after!.CancelRequestedBy is not null || after.Status == ActionStatus.Cancelled);
        Assert.NotEqual("forged", after.Worker?.Silo);
        await admin.CancelAsync(othersAction.Id, "cleanup");
    }

    [Fact]
    public async Task Dispatch_ServiceForEndUser_NamesTheEndUserAsSubmitterAndActor()
    {
        var client = Client("dash").ForEndUser("erin@example.com", Role.Operator);

        var queued = await client.DispatchAsync(new ActionRequest("echo for erin", "whatever-the-request-says"));

        Assert.Equal("erin@example.com", queued.Submitter);
        var dispatch = Assert.Single(queued.Audit);
        Assert.Equal("erin@example.com", dispatch.Actor);
    }

    [Fact]
    public async Task Dispatch_KeyedCaller_IsTheSubmitterWhateverTheRequestSays()
    {
        var queued = await Client("otto").DispatchAsync(new ActionRequest("echo mine", "someone-else"));

        Assert.Equal("otto", queued.Submitter);
        Assert.Equal("otto", Assert.Single(queued.Audit).Actor);
    }

    [Fact]
    public async Task Dispatch_NoKey_NamesWhatIsMissing()
    {
        var error = await Assert.ThrowsAsync<AccessDeniedException>(() => Client("none").DispatchAsync(new ActionRequest("echo hi", "tests")));

        Assert.Contains("needs an API key with the operator role, and none was sent", error.Message, StringComparison.Ordinal);
        Assert.Contains("PLEXUS_API_KEY", error.Message, StringComparison.Ordinal);
    }

    private ActionClient Client(string caller)
    {
        var (name, endUserRole) = caller.Split('/') is [var key, var role] ? (key, Roles.TryParse(role, out var r) ? r : Role.Viewer) : (caller, (Role?)null);
        var apiKey = name switch
        {
            "none" => null,
            "stranger" => "not-a-key-of-this-cluster",
            _ => Keys[name].Key,
        };
        var client = new ActionClient(_silos.Cluster.Client, new PlexusClientOptions { ApiKey = apiKey });
        return endUserRole is { } endRole ? client.ForEndUser("end-user", endRole) : client;
    }

    // The caller's own action: dispatched in its name by the service key, so callers that may not dispatch have one too.
    private async Task CancelOwnAsync(string caller, ActionClient client)
    {
        var identity = caller.Contains('/', StringComparison.Ordinal) ? "end-user" : caller;
        var own = await Client("dash").ForEndUser(identity, Role.Operator).DispatchAsync(new ActionRequest("sh 'sleep 30'", "ignored"));
        try
        {
            await client.CancelAsync(own.Id, "ignored");
        }
        finally
        {
            await Client("ada").CancelAsync(own.Id, "cleanup");
        }
    }

    // What a client would send if it called a silo-only contract directly, with the caller's key.
    private static Task<T> Forged<T>(string caller, Func<Task<T>> call)
    {
        RequestContext.Set(CallerContext.ApiKeyKey, Keys.TryGetValue(caller.Split('/')[0], out var key) ? key.Key : "not-a-key-of-this-cluster");
        return call();
    }

    private static async Task WatchFirstAsync(ActionClient client, Guid id)
    {
        await foreach (var _ in client.WatchAsync(id))
        {
            return;
        }
    }

    private static string Sha256(string key) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))).ToLowerInvariant();
}
