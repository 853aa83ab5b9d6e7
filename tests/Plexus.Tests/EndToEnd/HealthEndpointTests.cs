using System.Net;
using System.Text.Json;
using Plexus.Silo.Health;
using Plexus.Silo.Http;

namespace Plexus.Tests.EndToEnd;

/// <summary>The real silo's HTTP host: liveness and readiness as a load balancer or an ECS health check sees them.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(SharedSiloCollection.Name)]
public sealed class HealthEndpointTests(SiloFixture fixture)
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Live_RunningSilo_200Healthy()
    {
        using var response = await Http.GetAsync(new Uri(fixture.Silo.Http, SiloHttp.LivePath));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_RunningSilo_200WithEveryCheckHealthy()
    {
        using var response = await Http.GetAsync(new Uri(fixture.Silo.Http, SiloHttp.ReadyPath));
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var checks = body.RootElement.GetProperty("checks");
        foreach (var name in new[] { SiloHealthChecks.Cluster, SiloHealthChecks.Storage, SiloHealthChecks.Streams, SiloHealthChecks.Workers })
        {
            Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());
        }
    }

    [Fact]
    public void ReadyLine_RunningSilo_NamesTheHttpAddress()
    {
        var ready = fixture.Silo.Output.Split('\n').Single(line => line.StartsWith(SiloProcess.ReadyLine, StringComparison.Ordinal));

        Assert.Contains($"http http://127.0.0.1:{fixture.Silo.HttpPort}", ready, StringComparison.Ordinal);
    }
}
