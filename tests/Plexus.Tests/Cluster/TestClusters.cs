using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Plexus.Execution;
using Plexus.Silo.Hosting;

namespace Plexus.Tests.Cluster;

/// <summary>
/// Builds in-process Orleans clusters whose silos are configured exactly as the embedded default (SQLite
/// state and reminders in one shared data folder, local queue streams, the worker pool) with a small test catalog.
/// </summary>
public static class TestClusters
{
    /// <summary>The test catalog and settings every test cluster has; <paramref name="overrides"/> win.</summary>
    public static IConfiguration Configuration(string workDir, int concurrency, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Plexus:Concurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
            ["Plexus:StopGracePeriod"] = "00:00:02",
            ["Plexus:Retry:InitialDelay"] = "00:00:00.2",
            ["Plexus:Retry:MaxDelay"] = "00:00:01",
            ["Plexus:Commands:echo:Executable"] = "echo",
            ["Plexus:Commands:demo:Executable"] = "plexus-demo",
            ["Plexus:Commands:missing:Executable"] = "/nonexistent/program",
            ["Plexus:Commands:sh:Executable"] = "/bin/sh",
            ["Plexus:Commands:sh:Arguments:0"] = "-c",
            ["Plexus:Commands:sh:WorkingDirectory"] = workDir,
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    /// <summary>
    /// Deploys <paramref name="silos"/> silos sharing <paramref name="dataDir"/> and a client; <paramref name="configureSilo"/>
    /// adds to (or replaces) what each silo registers.
    /// </summary>
    public static async Task<InProcessTestCluster> DeployAsync(
        int silos, string dataDir, IConfiguration configuration, Action<ISiloBuilder>? configureSilo = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddLocalServices(configuration, dataDir);
            configureSilo?.Invoke(silo);
        });
        // A client that publishes (some tests do) must spread envelopes over the same queues the silos pull.
        builder.ConfigureClient(client => client.AddLocalQueueStreams(CommandStreams.ProviderName, queue => queue.QueueCount = LocalProfile.QueueCount));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
