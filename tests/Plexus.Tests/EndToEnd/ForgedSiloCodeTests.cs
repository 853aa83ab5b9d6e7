using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Plexus.Actions;
using Plexus.Audit;
using Plexus.Client;
using Plexus.Security;
using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// Hand-built Orleans clients that pretend to be silo code against a real <c>plexus-silo</c> with API keys, over its
/// real gateway: one gives itself the id of the silo's hosted client (what once passed for silo code), one sends a
/// made-up cluster secret. Both are refused the worker contract, audited, and change nothing.
/// </summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class ForgedSiloCodeTests : IAsyncLifetime
{
    private const string AdminKey = "forgery-admin-key-0123456789abcdef";

    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    public async Task InitializeAsync() => _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
    {
        ["Plexus__Auth__Keys__ada__Key"] = AdminKey,
        ["Plexus__Auth__Keys__ada__Role"] = "admin",
    });

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task WorkerCall_ClientWithTheHostedClientsId_IsRefusedAndAudited()
    {
        string siloAddress;
        using (var probe = await StartClientAsync(clientKey: null))
        {
            RequestContext.Set(CallerContext.ApiKeyKey, AdminKey);
            var hosts = await probe.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            RequestContext.Clear();
            siloAddress = Assert.Single(hosts).Key.ToParsableString();
        }

        using var forger = await StartClientAsync("hosted-" + siloAddress);

        await AssertWorkerCallRefusedAsync(forger, secret: null, "is for the cluster's own silos only");
    }

    [Fact]
    public async Task WorkerCall_ClientSendingAWrongClusterSecret_IsRefusedAndAudited()
    {
        using var forger = await StartClientAsync(clientKey: null);

        await AssertWorkerCallRefusedAsync(forger, secret: "a-guess-at-the-cluster-secret-0123456789", "carries a cluster secret that is not this cluster's");
    }

    private async Task AssertWorkerCallRefusedAsync(IHost forger, string? secret, string reason)
    {
        var admin = new ActionClient(forger.Services.GetRequiredService<IClusterClient>(), new PlexusClientOptions { ApiKey = AdminKey });
        var action = await admin.DispatchAsync(new ActionRequest("sleep 30", "tests"));
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        RequestContext.Set(CallerContext.ApiKeyKey, AdminKey);
        if (secret is not null)
        {
            RequestContext.Set(ClusterSecret.RequestContextKey, secret);
        }

        try
        {
            var worker = forger.Services.GetRequiredService<IClusterClient>().GetGrain<IActionWorkerGrain>(action.Id);
            var error = await Assert.ThrowsAsync<AccessDeniedException>(() => worker.TryStartAsync(action.Attempt + 1, new WorkerInfo("forged", "forged"), null!));
            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            RequestContext.Clear();
        }

        var audit = await admin.ListAuditAsync(new AuditQuery { Since = since, Limit = 100 });
        Assert.Contains(audit.Items, e => e.Outcome == AuditOutcome.Refused && e.Detail.Contains(reason, StringComparison.Ordinal));
        var after = await admin.GetAsync(action.Id);
        Assert.NotNull(after);
        Assert.NotEqual("forged", after.Worker?.Silo);
        Assert.True(after.Attempt <= 1, $"the forged start made attempt {after.Attempt}");
        await admin.CancelAsync(action.Id, "cleanup");
    }

    // An Orleans client built by hand for the silo's gateway; with clientKey, it gives itself that client id.
    private async Task<IHost> StartClientAsync(string? clientKey)
    {
        var host = ClientHosts.Build(new() { ["Plexus:Gateway"] = Silo.Gateway, ["Plexus:Profile"] = "local" });
        if (clientKey is not null)
        {
            // Orleans keeps the client's id in an internal service that it reads when the client starts: replaced before.
            var idType = typeof(GrainId).Assembly.GetType("Orleans.Runtime.ClientGrainId", throwOnError: true)!;
            var id = idType.GetMethod("Create", BindingFlags.Static | BindingFlags.Public, [typeof(string)])!.Invoke(null, [clientKey]);
            var detailsType = typeof(IClusterClient).Assembly.GetType("Orleans.LocalClientDetails", throwOnError: true)!;
            var field = detailsType.GetField("<ClientId>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
                ?? throw new InvalidOperationException("Orleans.LocalClientDetails has no ClientId backing field in this Orleans version.");
            field.SetValue(host.Services.GetRequiredService(detailsType), id);
        }

        await host.StartAsync();
        return host;
    }
}
