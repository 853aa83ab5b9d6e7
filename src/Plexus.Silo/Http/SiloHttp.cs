using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Plexus.Client;
using Plexus.Dashboard;
using Plexus.Diagnostics;
using Plexus.Silo.Health;
using Plexus.Silo.Hosting;

namespace Plexus.Silo.Http;

/// <summary>
/// The silo's one HTTP host (<c>--http-port</c>): health for container health checks and load balancers, metrics for
/// Prometheus, and the dashboard (API, event streams, the page). Everything served over HTTP is mapped in
/// <see cref="MapSiloEndpoints"/>.
/// </summary>
public static class SiloHttp
{
    /// <summary>The path of the liveness check: the process answers.</summary>
    public const string LivePath = "/health/live";

    /// <summary>The path of the readiness check: the silo can take work.</summary>
    public const string ReadyPath = "/health/ready";

    /// <summary>The path Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The meter Orleans' own instruments are on (messaging, grains, membership, streams, storage).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Listens on <see cref="SiloOptions.HttpPort"/>: on loopback only in the embedded default (a laptop's silo is
    /// not for the network), on every address in the <c>Aws</c> profile (load balancers and health checks reach it).
    /// </summary>
    public static WebApplicationBuilder AddSiloHttp(this WebApplicationBuilder builder, SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var address = options.Is(Profiles.Local) ? IPAddress.Loopback : IPAddress.Any;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, options.HttpPort));
        builder.Services.AddSiloHealthChecks();

        // The dashboard calls the cluster through the silo's own grain factory, for each end user it authenticated.
        builder.Services.AddPlexusDashboard(builder.Configuration);
        builder.Services.TryAddSingleton(services => new ActionClient(services.GetRequiredService<IGrainFactory>()));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(PlexusMetrics.MeterName, OrleansMeter)
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>Maps every HTTP endpoint of the silo.</summary>
    public static IEndpointRouteBuilder MapSiloEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Liveness runs no check: a silo that cannot reach its store is unready, not dead, and must not be restarted for it.
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteReportAsync });
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(SiloHealthChecks.ReadyTag),
            ResponseWriter = WriteReportAsync,
        });
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath);
        endpoints.MapPlexusDashboard();
        return endpoints;
    }

    // {"status": "Unhealthy", "checks": {"storage": {"status": "Unhealthy", "description": "…"}, …}}: the reason is in the body.
    private static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, Json, context.RequestAborted);
    }
}
