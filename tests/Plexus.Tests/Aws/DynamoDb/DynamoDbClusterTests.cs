using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Plexus.Aws.Client;
using Plexus.Aws.DynamoDb.Clustering;
using Plexus.Aws.DynamoDb.Hosting;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Tests.EndToEnd;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Plexus.Tests.Aws.DynamoDb;

/// <summary>
/// Real silos and a real client that find each other only through the DynamoDB membership table, keep grain state in
/// DynamoDB and fire reminders kept in DynamoDB: the registration an Aws deployment uses, end to end.
/// </summary>
[Trait(Category.Name, Category.Aws)]
public sealed class DynamoDbClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _tablePrefix = DynamoDbLocal.TablePrefix("cluster");
    private readonly string _clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IHost> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await host.StopAsync(timeout.Token);
            host.Dispose();
        }
    }

    private async Task<IHost> StartSiloAsync()
    {
        var (siloPort, gatewayPort) = FreePort.NextPair();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (_clusterId, _clusterId))
            .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort)
            .UseDynamoDbClustering(o => o.TablePrefix = _tablePrefix)
            .AddDynamoDbGrainStorage(DynamoDbProbeGrain.StorageName, o => o.TablePrefix = _tablePrefix)
            .UseDynamoDbReminders(o => o.TablePrefix = _tablePrefix));
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }

    private async Task<IClusterClient> StartClientAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (_clusterId, _clusterId))
            .UseDynamoDbClustering(o => o.TablePrefix = _tablePrefix));
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host.Services.GetRequiredService<IClusterClient>();
    }

    private DynamoDbMembershipTable MembershipTable() => new(
        MsOptions.Create(new DynamoDbClusteringOptions { TablePrefix = _tablePrefix }),
        MsOptions.Create(new ClusterOptions { ClusterId = _clusterId, ServiceId = _clusterId }),
        NullLogger<DynamoDbMembershipTable>.Instance);

    [Fact]
    public async Task TwoSilosAndAClient_ThroughDynamoDbOnly_JoinKeepStateAndFireReminders()
    {
        await StartSiloAsync();
        await StartSiloAsync();
        var client = await StartClientAsync();
        using var table = MembershipTable();

        var members = await Poll.UntilAsync(
            async () => (await table.ReadAllAsync(CancellationToken.None)).Members.Where(m => m.Item1.Status == SiloStatus.Active).ToList(),
            active => active.Count == 2, Patience, "both silos active in the DynamoDB membership table");
        Assert.All(members, m => Assert.True(m.Item1.ProxyPort > 0));

        var grain = client.GetGrain<IDynamoDbProbeGrain>("probe-" + Guid.NewGuid().ToString("N"));
        await grain.IncrementAsync();
        await grain.IncrementAsync();
        await grain.DeactivateAsync();
        // The next call activates the grain afresh, which reads its state back from DynamoDB.
        Assert.Equal(2, (await grain.GetAsync()).Count);

        await grain.StartReminderAsync();
        await Poll.UntilAsync(grain.GetAsync, s => s.ReminderTicks >= 1, Patience, "the first tick of a reminder kept in DynamoDB");
    }

    [Fact]
    public async Task SiloStops_Gracefully_IsMarkedDeadAndLeavesTheGatewayList()
    {
        await StartSiloAsync();
        var second = await StartSiloAsync();
        using var table = MembershipTable();
        var gateways = new DynamoDbGatewayListProvider(
            MsOptions.Create(new DynamoDbGatewayOptions { TablePrefix = _tablePrefix }),
            MsOptions.Create(new ClusterOptions { ClusterId = _clusterId, ServiceId = _clusterId }),
            MsOptions.Create(new GatewayOptions()),
            NullLogger<DynamoDbGatewayListProvider>.Instance);
        await Poll.UntilAsync(() => gateways.GetGatewaysAsync(CancellationToken.None), g => g.Count == 2, Patience, "two gateways listed");

        await second.StopAsync();

        await Poll.UntilAsync(
            async () => (await table.ReadAllAsync(CancellationToken.None)).Members.Count(m => m.Item1.Status == SiloStatus.Dead),
            dead => dead == 1, Patience, "the stopped silo marked Dead");
        Assert.Single(await gateways.GetGatewaysAsync(CancellationToken.None));
        gateways.Dispose();
    }
}
