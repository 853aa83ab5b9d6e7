using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus;
using Plexus.Commands;
using Plexus.Dashboard;
using Plexus.Security;
using Plexus.Silo.Hosting;
using Plexus.Silo.Http;
using Plexus.Tls;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(SiloCommandLine.Usage);
    return 0;
}

if (SiloCommandLine.FindUnknownFlag(args) is { } unknown)
{
    Console.Error.WriteLine(unknown);
    return 2;
}

// As process 1 .NET reaps every child process itself, so the commands' exit codes would be lost to the runner.
if (Environment.ProcessId == 1)
{
    Console.Error.WriteLine(
        "plexus-silo: cannot run as process 1 (the init process of a container): it would lose its commands' exit codes. " +
        "Start it under an init: `docker run --init`, or \"initProcessEnabled\": true in the ECS task definition.");
    return 2;
}

// Settings files ship beside the binary, so the silo finds them from any working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (Environment.GetEnvironmentVariable(Profiles.EnvironmentVariable) is { Length: > 0 } profile)
{
    builder.Configuration.AddInMemoryCollection([new(Profiles.ConfigurationKey, profile)]);
}

// Flags come last: they win over settings files and environment variables.
var (otherArgs, queueFlags, queuesError) = SiloCommandLine.TakeQueues(args);
if (queuesError is not null)
{
    Console.Error.WriteLine(queuesError);
    return 2;
}

builder.Configuration.AddCommandLine(otherArgs, SiloCommandLine.SwitchMappings.ToDictionary());
builder.Configuration.AddInMemoryCollection(queueFlags);
var siloOptions = builder.Configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new SiloOptions();
if (siloOptions.HttpPort is < 0 or > 65535)
{
    Console.Error.WriteLine($"plexus-silo: cannot start: Plexus:HttpPort (--http-port) must be a port from 0 to 65535 (0: any free port), not {siloOptions.HttpPort}.");
    return 1;
}

// Checked before the host is built, so a silo that must not run without keys says so in one line.
var authOptions = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
authOptions.RequireKeys |= siloOptions.Is(Profiles.Aws);
authOptions.RequireClusterSecret |= siloOptions.Is(Profiles.Aws);
if (new AuthOptionsValidator().Validate(null, authOptions) is { Failed: true } invalidAuth)
{
    Console.Error.WriteLine($"plexus-silo: cannot start: {invalidAuth.FailureMessage}");
    return 1;
}

builder.AddSiloHttp(siloOptions);
var tls = TlsSettings.From(builder.Configuration);
SiloEndpoints? endpoints = null;
try
{
    if (siloOptions.Is(Profiles.Local))
    {
        builder.UseOrleans(silo => silo.UseLocalProfile(builder.Configuration, siloOptions).UsePlexusTls(tls));
    }
    else if (siloOptions.Is(Profiles.Aws))
    {
        siloOptions.Profile = Profiles.Aws;
        using var http = new HttpClient();
        var advertised = endpoints = await SiloEndpoints.ResolveAsync(siloOptions, Environment.GetEnvironmentVariable(SiloEndpoints.MetadataVariable), http);
        builder.UseOrleans(silo => silo.UseAwsProfile(builder.Configuration, siloOptions, advertised).UsePlexusTls(tls));
    }
}
catch (Exception ex) when (ex is PlexusException or Orleans.Runtime.OrleansConfigurationException)
{
    Console.Error.WriteLine($"plexus-silo: cannot start: {ex.Message}");
    return 1;
}

if (!siloOptions.Is(Profiles.Local) && !siloOptions.Is(Profiles.Aws))
{
    Console.Error.WriteLine($"plexus-silo: unknown profile '{siloOptions.Profile}'. Available: {Profiles.Local}, {Profiles.Aws}.");
    return 2;
}

// A stop signal before the silo is ready cancels its start stages, which Orleans logs as errors with stack traces:
// they are the expected result of the stop, so from then on only the one line below is printed. (The token reads as
// cancelled before any of its callbacks run, so no log of the cancelled start slips through.)
IHostApplicationLifetime? lifetime = null;
var ready = false;
bool Logging() => Volatile.Read(ref ready) || lifetime?.ApplicationStopping.IsCancellationRequested != true;

// Each logger follows its one most specific rule ("Orleans": "Warning" and the like), so every rule gets the gate.
builder.Services.PostConfigure<LoggerFilterOptions>(options =>
{
    var gated = options.Rules
        .Select(rule => new LoggerFilterRule(rule.ProviderName, rule.CategoryName, rule.LogLevel, (provider, category, level) =>
            Logging() && (rule.Filter?.Invoke(provider, category, level) ?? true)))
        .Append(new LoggerFilterRule(null, null, null, (_, _, _) => Logging()))
        .ToList();
    options.Rules.Clear();
    foreach (var rule in gated)
    {
        options.Rules.Add(rule);
    }
});
// Last, so it wraps every logger provider the host and Orleans registered: no log line carries a configured secret.
RedactingLoggerProvider.AddSecretRedaction(builder.Services, new ConfiguredSecrets(builder.Configuration));
await using var host = builder.Build();
host.UsePlexusDashboard();
host.MapSiloEndpoints();
lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
try
{
    await host.StartAsync();
    Volatile.Write(ref ready, true);
}
catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
{
    // SIGTERM (or Ctrl+C) before the silo was up, e.g. while it waited for DynamoDB: nothing runs yet, so nothing to drain.
    Console.WriteLine("plexus-silo: stopped while starting (a stop signal came before the silo was ready); nothing was running.");
    return 0;
}
catch (Exception ex) when (ex is OptionsValidationException or Orleans.Runtime.OrleansConfigurationException
                              or System.Net.Sockets.SocketException or IOException
                              or Microsoft.AspNetCore.Connections.AddressInUseException
                              or System.Net.Http.HttpRequestException or Amazon.Runtime.AmazonServiceException)
{
    Console.Error.WriteLine($"plexus-silo: cannot start: {ex.Message}");
    return 1;
}

var execution = host.Services.GetRequiredService<IOptions<ExecutionOptions>>().Value;
var where = siloOptions.Is(Profiles.Local)
    ? $"gateway 127.0.0.1:{siloOptions.GatewayPort}, silo port {siloOptions.SiloPort}, data {siloOptions.DataDirFullPath}"
    : $"cluster {siloOptions.ClusterId}, {endpoints}";
where += tls.Enabled ? ", TLS" : "";
var auth = host.Services.GetRequiredService<ApiKeys>().Required
    ? "API keys required"
    : "NO API KEYS: loopback callers are the local admin";
Console.WriteLine(
    $"Plexus silo ready (profile {siloOptions.Profile}): {where}, http {string.Join(" ", host.Urls)}, " +
    $"queues {string.Join(",", execution.ServedQueues.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}"))}, {auth}, " +
    $"commands: {string.Join(", ", execution.Commands.Keys.Order())}");
Console.WriteLine($"Dashboard: {host.Urls.First()}/");
await host.WaitForShutdownAsync();
return 0;
