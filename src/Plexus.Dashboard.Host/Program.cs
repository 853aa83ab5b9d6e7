using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Plexus;
using Plexus.Client.Hosting;
using Plexus.Dashboard;
using Plexus.Dashboard.Host;
using Plexus.Security;
using Plexus.Tls;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(DashboardHostOptions.Usage);
    return 0;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (Environment.GetEnvironmentVariable(Profiles.EnvironmentVariable) is { Length: > 0 } profile)
{
    builder.Configuration.AddInMemoryCollection([new(Profiles.ConfigurationKey, profile)]);
}

builder.Configuration.AddCommandLine(args, DashboardHostOptions.SwitchMappings.ToDictionary());
var options = builder.Configuration.GetSection(DashboardHostOptions.SectionName).Get<DashboardHostOptions>() ?? new DashboardHostOptions();
var aws = Profiles.Is(options.Profile, Profiles.Aws);
if (options.HttpPort is < 0 or > 65535)
{
    Console.Error.WriteLine($"plexus-dashboard: cannot start: Plexus:HttpPort (--http-port) must be a port from 0 to 65535 (0: any free port), not {options.HttpPort}.");
    return 1;
}

// Beyond loopback every caller needs a key, as on the silo.
var auth = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
auth.RequireKeys |= aws;
if (new AuthOptionsValidator().Validate(null, auth) is { Failed: true } invalidAuth)
{
    Console.Error.WriteLine($"plexus-dashboard: cannot start: {invalidAuth.FailureMessage}");
    return 1;
}

builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(aws ? IPAddress.Any : IPAddress.Loopback, options.HttpPort));
try
{
    var tls = TlsSettings.From(builder.Configuration);
    builder.AddPlexusClient(client => client.ConfigureOrleans = orleans => orleans.UsePlexusTls(tls));
}
catch (PlexusException ex)
{
    Console.Error.WriteLine($"plexus-dashboard: cannot start: {ex.Message}");
    return 1;
}

builder.Services.AddPlexusDashboard(builder.Configuration);
builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);

// Not disposed by a using: the tests' host factory stops this method right after Build and keeps the host it built.
var app = builder.Build();
app.UsePlexusDashboard();

// Liveness runs no check: a dashboard that cannot reach its cluster is unready, not dead.
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapPlexusDashboard();
try
{
    await app.StartAsync();
}
catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Connections.AddressInUseException or Microsoft.Extensions.Options.OptionsValidationException)
{
    Console.Error.WriteLine($"plexus-dashboard: cannot start: {ex.Message}");
    return 1;
}

Console.WriteLine($"Plexus dashboard ready (profile {options.Profile}), connected to cluster {builder.Configuration["Plexus:ClusterId"] ?? ClusterIds.ClusterId}");
Console.WriteLine($"Dashboard: {app.Urls.First()}/");
await app.WaitForShutdownAsync();
return 0;

/// <summary>The standalone dashboard's entry point (named for the tests' host factory).</summary>
public partial class Program;
