using System.Globalization;
using Plexus.Silo.Hosting;
using Plexus.Tests.Aws.DynamoDb;
using Plexus.Tests.Unit.Ecs;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// A real silo of the Aws profile started as an ECS task would be, with <c>ECS_CONTAINER_METADATA_URI_V4</c> pointing at a
/// fake metadata endpoint that serves a recorded awsvpc container document (its address changed to loopback, where the
/// silo can be reached here).
/// </summary>
[Trait(Category.Name, Category.Aws)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class EcsSiloTests : IAsyncLifetime
{
    // The Aws profile requires API keys.
    private const string ApiKey = "ecs-silo-test-key-0123456789";

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private FakeEcsMetadata? _ecs;
    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    public async Task InitializeAsync()
    {
        _ecs = await FakeEcsMetadata.StartAsync(FakeEcsMetadata.Recorded("awsvpc-container.json").Replace("10.0.2.106", "127.0.0.1", StringComparison.Ordinal));
        _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
        {
            ["PLEXUS_PROFILE"] = "aws",
            ["Plexus__Aws__TablePrefix"] = DynamoDbLocal.TablePrefix($"ecs{_run}"),
            ["Plexus__Aws__QueuePrefix"] = $"ecs-{_run}",
            [SiloEndpoints.MetadataVariable] = _ecs.MetadataUri,
            ["Plexus__Auth__Keys__tests__Key"] = ApiKey,
            ["Plexus__Auth__Keys__tests__Role"] = "admin",
            ["Plexus__Auth__ClusterSecret"] = SiloProcess.ClusterSecret,
        });
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_ecs is not null)
        {
            await _ecs.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_AwsvpcTaskMetadata_AdvertisesTheTaskAddressAndTakesWork()
    {
        var ready = Silo.Output.Split('\n').Single(line => line.StartsWith(SiloProcess.ReadyLine, StringComparison.Ordinal));

        var expected = string.Create(CultureInfo.InvariantCulture,
            $"advertised 127.0.0.1 silo port {Silo.SiloPort}, gateway port {Silo.GatewayPort} from ECS task metadata (awsvpc: the task's address)");
        Assert.Contains(expected, ready, StringComparison.Ordinal);
        (await Silo.Client.With(new Dictionary<string, string?> { ["PLEXUS_API_KEY"] = ApiKey }).RunAsync("dispatch", "true")).ShouldExit(0);
    }
}
