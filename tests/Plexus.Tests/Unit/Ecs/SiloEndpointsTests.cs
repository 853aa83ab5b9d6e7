using System.Net;
using Orleans.Runtime;
using Plexus.Silo.Hosting;

namespace Plexus.Tests.Unit.Ecs;

/// <summary>What a silo of the Aws profile announces, from recorded ECS task metadata (v4) served on loopback, and from configuration.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class SiloEndpointsTests
{
    private static readonly HttpClient Http = new();

    private static SiloOptions Options(string? advertisedIp = null, string? imds = null) => new()
    {
        Profile = Profiles.Aws,
        SiloPort = 11111,
        GatewayPort = 30000,
        AdvertisedIp = advertisedIp,
        Ecs = { InstanceMetadataUrl = imds ?? "http://127.0.0.1:9" },
    };

    [Fact]
    public async Task ResolveAsync_AwsvpcTask_TheTaskAddressAndTheContainerPorts()
    {
        await using var ecs = await FakeEcsMetadata.StartAsync(FakeEcsMetadata.Recorded("awsvpc-container.json"));

        var endpoints = await SiloEndpoints.ResolveAsync(Options(), ecs.MetadataUri, Http);

        Assert.Equal(IPAddress.Parse("10.0.2.106"), endpoints.Address);
        Assert.Equal((11111, 30000, 11111, 30000), (endpoints.SiloPort, endpoints.GatewayPort, endpoints.ListenSiloPort, endpoints.ListenGatewayPort));
        Assert.Equal("advertised 10.0.2.106 silo port 11111, gateway port 30000 from ECS task metadata (awsvpc: the task's address)", endpoints.ToString());
    }

    [Fact]
    public async Task ResolveAsync_BridgeTask_TheMappedHostPortsAndTheInstanceAddress()
    {
        await using var ecs = await FakeEcsMetadata.StartAsync(FakeEcsMetadata.Recorded("bridge-container.json"));

        var endpoints = await SiloEndpoints.ResolveAsync(Options(imds: ecs.BaseUrl), ecs.MetadataUri, Http);

        Assert.Equal(IPAddress.Parse(FakeEcsMetadata.InstanceAddress), endpoints.Address);
        Assert.Equal((32768, 32769), (endpoints.SiloPort, endpoints.GatewayPort));
        Assert.Equal((11111, 30000), (endpoints.ListenSiloPort, endpoints.ListenGatewayPort));
        Assert.Contains("bridge: host ports; the instance's address from EC2 instance metadata", endpoints.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_BridgeTaskWithAdvertisedIp_TheConfiguredAddressAndTheHostPorts()
    {
        await using var ecs = await FakeEcsMetadata.StartAsync(FakeEcsMetadata.Recorded("bridge-container.json"));

        var endpoints = await SiloEndpoints.ResolveAsync(Options(advertisedIp: "10.9.8.7"), ecs.MetadataUri, Http);

        Assert.Equal(IPAddress.Parse("10.9.8.7"), endpoints.Address);
        Assert.Equal((32768, 32769), (endpoints.SiloPort, endpoints.GatewayPort));
        Assert.Contains("Plexus:AdvertisedIp", endpoints.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_BridgeTaskWithoutAMappingForTheGatewayPort_ErrorNamesThePortAndTheFix()
    {
        var document = FakeEcsMetadata.Recorded("bridge-container.json").Replace("\"ContainerPort\": 30000", "\"ContainerPort\": 30001", StringComparison.Ordinal);
        await using var ecs = await FakeEcsMetadata.StartAsync(document);

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => SiloEndpoints.ResolveAsync(Options(imds: ecs.BaseUrl), ecs.MetadataUri, Http));

        Assert.Contains("container port 30000 (Plexus:GatewayPort) needs a port mapping", error.Message, StringComparison.Ordinal);
        Assert.Contains("portMappings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_BridgeTaskWithoutInstanceMetadata_ErrorSaysToSetAdvertisedIp()
    {
        await using var ecs = await FakeEcsMetadata.StartAsync(FakeEcsMetadata.Recorded("bridge-container.json"));

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => SiloEndpoints.ResolveAsync(Options(imds: "http://127.0.0.1:9"), ecs.MetadataUri, Http));

        Assert.Contains("EC2 instance metadata (http://127.0.0.1:9) did not give it", error.Message, StringComparison.Ordinal);
        Assert.Contains("Set Plexus:AdvertisedIp", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "Cannot read the ECS container metadata")]
    [InlineData("{\"Networks\": []}", "it lists no network of the container")]
    [InlineData("{\"Networks\": [{\"NetworkMode\": \"awsvpc\", \"IPv4Addresses\": []}]}", "the awsvpc network has no IPv4 address")]
    [InlineData("{\"Networks\": [{\"NetworkMode\": \"none\"}]}", "its network mode 'none' is not one a silo can announce itself in")]
    public async Task ResolveAsync_UnusableMetadata_ErrorSaysWhat(string document, string expected)
    {
        await using var ecs = await FakeEcsMetadata.StartAsync(document);

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => SiloEndpoints.ResolveAsync(Options(), ecs.MetadataUri, Http));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(SiloEndpoints.MetadataVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_MetadataEndpointDown_ErrorNamesTheVariable()
    {
        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => SiloEndpoints.ResolveAsync(Options(), "http://127.0.0.1:9/v4/x", Http));

        Assert.Contains("Cannot read the ECS container metadata (ECS_CONTAINER_METADATA_URI_V4=http://127.0.0.1:9/v4/x)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_NoMetadata_TheConfiguredAddressAndPorts()
    {
        var endpoints = await SiloEndpoints.ResolveAsync(Options(advertisedIp: "127.0.0.1"), metadataUri: null, Http);

        Assert.Equal("advertised 127.0.0.1 silo port 11111, gateway port 30000 from Plexus:AdvertisedIp", endpoints.ToString());
    }
}
