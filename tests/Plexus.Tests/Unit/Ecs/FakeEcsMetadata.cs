using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Plexus.Tests.Unit.Ecs;

/// <summary>
/// The ECS task metadata endpoint (v4) and EC2 instance metadata (IMDSv2) of one container, served by Kestrel on
/// loopback from a recorded container document; <see cref="MetadataUri"/> is what ECS would put in
/// <c>ECS_CONTAINER_METADATA_URI_V4</c>.
/// </summary>
public sealed class FakeEcsMetadata : IAsyncDisposable
{
    /// <summary>The instance's private address EC2 instance metadata gives.</summary>
    public const string InstanceAddress = "10.0.1.23";

    private const string Token = "fake-imds-token";
    private readonly WebApplication _app;

    private FakeEcsMetadata(WebApplication app) => _app = app;

    /// <summary>Gets the container metadata address.</summary>
    public string MetadataUri => $"{BaseUrl}/v4/cd189a933e5849daa93386466019ab50-2495160603";

    /// <summary>Gets the base address, which also serves instance metadata.</summary>
    public string BaseUrl => _app.Urls.Single();

    /// <summary>Reads a recorded document beside the tests (<c>Unit/Ecs/*.json</c>).</summary>
    public static string Recorded(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Unit", "Ecs", name));

    /// <summary>Starts serving <paramref name="containerDocument"/> as the container metadata.</summary>
    public static async Task<FakeEcsMetadata> StartAsync(string containerDocument)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/v4/{container}", () => Results.Text(containerDocument, "application/json"));
        app.MapPut("/latest/api/token", (HttpRequest request) =>
            request.Headers.ContainsKey("X-aws-ec2-metadata-token-ttl-seconds") ? Results.Text(Token) : Results.BadRequest());
        app.MapGet("/latest/meta-data/local-ipv4", (HttpRequest request) =>
            request.Headers["X-aws-ec2-metadata-token"] == Token ? Results.Text(InstanceAddress) : Results.Unauthorized());
        await app.StartAsync();
        return new FakeEcsMetadata(app);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
