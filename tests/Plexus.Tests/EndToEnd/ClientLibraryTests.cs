using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Plexus.Actions;
using Plexus.Client;
using Plexus.Client.Hosting;
using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>The client library as a long-lived host uses it: registered in the host's services, configured from its configuration.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(SharedSiloCollection.Name)]
public sealed class ClientLibraryTests(SiloFixture fixture)
{
    private static readonly TimeSpan FinalTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AddPlexusClient_HostConfiguredByPlexusSection_InjectsAnActionClientThatDispatchesAndWaits()
    {
        using var host = ClientHosts.Build(new() { ["Plexus:Gateway"] = fixture.Silo.Gateway, ["Plexus:Profile"] = "local" });
        using var timeout = new CancellationTokenSource(FinalTimeout);
        await host.StartAsync(timeout.Token);
        var actions = host.Services.GetRequiredService<ActionClient>();

        var queued = await actions.DispatchAsync(new ActionRequest("echo from a host", "tests"), timeout.Token);
        var final = await actions.WaitForFinalAsync(queued.Id, timeout.Token);

        Assert.Equal(ActionStatus.Succeeded, final?.Status);
        Assert.Equal("from a host\n", final?.Result?.Stdout);
        await host.StopAsync(timeout.Token);
    }

    [Theory]
    [InlineData("Plexus:Profile", "azure", "Plexus:Profile is 'azure': use Local or Aws")]
    [InlineData("Plexus:ClusterId", " ", "Plexus:ClusterId is empty")]
    public void AddPlexusClient_UnusableSetting_FailsNamingTheKey(string key, string value, string expected)
    {
        var error = Assert.Throws<PlexusException>(() => ClientHosts.Build(new() { [key] = value }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

/// <summary>Cancellation of library calls while the cluster cannot answer.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class ClientCancellationTests
{
    // Far below the ~40 s a repeatable call keeps retrying without a token, far above a stalled machine's pause.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task GetAsync_ClusterGoneAndTokenCancelled_StopsRetryingAtOnce()
    {
        await using var silo = await SiloProcess.StartNewAsync();
        await using var connection = await PlexusConnection.ConnectAsync(o => o.Gateway = silo.Gateway);
        var id = (await connection.Actions.DispatchAsync(new ActionRequest("echo before the crash", "tests"))).Id;
        await silo.CrashAsync();

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.Actions.GetAsync(id, cancel.Token));

        Assert.True(clock.Elapsed < Prompt, $"GetAsync took {clock.Elapsed} to give up after its token was cancelled at 1 s.");
    }

    [Fact]
    public async Task StartAsync_WaitForClusterAndNoSilo_KeepsTryingUntilCancelled()
    {
        using var host = ClientHosts.Build(new() { ["Plexus:Gateway"] = $"127.0.0.1:{FreePort.Next()}" });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var clock = Stopwatch.StartNew();

        // A client that gave up would throw a connection error before the token's 3 s.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.StartAsync(cancel.Token));

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2.5), $"The start ended after {clock.Elapsed}, before its token was cancelled.");
    }
}

/// <summary>Hosts that register the Plexus client from configuration, as an ASP.NET Core or worker host would.</summary>
internal static class ClientHosts
{
    public static IHost Build(Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddPlexusClient();
        return builder.Build();
    }
}
