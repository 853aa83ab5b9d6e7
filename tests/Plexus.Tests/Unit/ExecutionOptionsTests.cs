using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Plexus.Actions;
using Plexus.Commands;
using Plexus.Hosting;
using Xunit;

namespace Plexus.Tests.Unit;

/// <summary>Binding of <see cref="ExecutionOptions"/> from configuration, through the registration the silo uses.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ExecutionOptionsTests
{
    // Builds (but never starts) a host whose silo registers Plexus the way the real silo does.
    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.UseLocalhostClustering().AddPlexusActions(builder.Configuration));
        return builder.Build();
    }

    [Fact]
    public void AddPlexusActions_FullConfiguration_BindsEveryValue()
    {
        using var host = BuildHost(new()
        {
            ["Plexus:Concurrency"] = "3",
            ["Plexus:MaxOutputBytes"] = "4096",
            ["Plexus:Commands:greet:Executable"] = "/bin/echo",
            ["Plexus:Commands:greet:Arguments:0"] = "-n",
            ["Plexus:Commands:greet:Arguments:1"] = "hello world",
            ["Plexus:Commands:greet:WorkingDirectory"] = "/srv/greet",
            ["Plexus:Commands:greet:Environment:GREETING"] = "hi",
            ["Plexus:Commands:greet:Environment:LANG"] = "C.UTF-8",
            ["Plexus:Commands:demo:Executable"] = "plexus-demo",
        });

        var options = host.Services.GetRequiredService<IOptions<ExecutionOptions>>().Value;

        Assert.Equal(3, options.Concurrency);
        Assert.Equal(4096, options.MaxOutputBytes);
        Assert.Equal(["demo", "greet"], options.Commands.Keys.Order(StringComparer.Ordinal));
        var greet = options.Commands["greet"];
        Assert.Equal("/bin/echo", greet.Executable);
        Assert.Equal(["-n", "hello world"], greet.Arguments);
        Assert.Equal("/srv/greet", greet.WorkingDirectory);
        Assert.Equal(new Dictionary<string, string> { ["GREETING"] = "hi", ["LANG"] = "C.UTF-8" }, greet.Environment);
        var demo = options.Commands["demo"];
        Assert.Equal("plexus-demo", demo.Executable);
        Assert.Empty(demo.Arguments);
        Assert.Null(demo.WorkingDirectory);
        Assert.Empty(demo.Environment);
    }

    [Fact]
    public void AddPlexusActions_NoPlexusSection_UsesTheDefaultsTheReadmeDocuments()
    {
        using var host = BuildHost([]);

        var options = host.Services.GetRequiredService<IOptions<ExecutionOptions>>().Value;

        // Written out as the README's settings table gives them, not taken from the constants they come from.
        Assert.Equal(Environment.ProcessorCount, options.Concurrency);
        Assert.Equal(1_048_576, options.MaxOutputBytes);
        Assert.Equal(TimeSpan.FromSeconds(10), options.StopGracePeriod);
        Assert.Null(options.DefaultTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromMinutes(1), options.RecoveryInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), options.SubscriptionLifetime);
        Assert.Equal(TimeSpan.FromDays(30), options.Retention);
        Assert.Equal(TimeSpan.FromMinutes(10), options.RetentionSweepInterval);
        Assert.Equal(3, options.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Retry.InitialDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Retry.MaxDelay);
        Assert.True(options.Retry.RetryOnWorkerLost);
        Assert.False(options.Retry.RetryOnTimeout);
        Assert.Empty(options.Retry.RetryExitCodes);
        Assert.Equal(3, options.Retry.MaxLostWorkers);
        Assert.Empty(options.Commands);
    }

    [Fact]
    public void AddPlexusActions_BoundCatalog_KeepsCommandNamesCaseSensitive()
    {
        using var host = BuildHost(new() { ["Plexus:Commands:echo:Executable"] = "echo" });

        var options = host.Services.GetRequiredService<IOptions<ExecutionOptions>>().Value;

        Assert.True(options.Commands.ContainsKey("echo"));
        Assert.False(options.Commands.ContainsKey("ECHO"));
    }

    [Fact]
    public void AddPlexusActions_InvalidConfiguration_FailsNamingTheKey()
    {
        using var host = BuildHost(new()
        {
            ["Plexus:Concurrency"] = "0",
            ["Plexus:Commands:broken:Arguments:0"] = "x",
        });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ExecutionOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Plexus:Concurrency", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Plexus:Commands:broken:Executable", StringComparison.Ordinal));
    }

    [Fact]
    public void AddPlexusActions_RecoveryAndRetrySettings_BindEveryValue()
    {
        using var host = BuildHost(new()
        {
            ["Plexus:LeaseDuration"] = "00:00:12",
            ["Plexus:RecoveryInterval"] = "00:00:05",
            ["Plexus:Retry:MaxAttempts"] = "7",
            ["Plexus:Retry:InitialDelay"] = "00:00:01.5",
            ["Plexus:Retry:MaxDelay"] = "00:02:00",
            ["Plexus:Retry:RetryOnWorkerLost"] = "false",
            ["Plexus:Retry:RetryOnTimeout"] = "true",
            ["Plexus:Retry:RetryExitCodes:0"] = "75",
            ["Plexus:Retry:RetryExitCodes:1"] = "137",
            ["Plexus:Retry:MaxLostWorkers"] = "4",
        });

        var options = host.Services.GetRequiredService<IOptions<ExecutionOptions>>().Value;
        var reminders = host.Services.GetRequiredService<IOptions<Orleans.Hosting.ReminderOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(12), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RecoveryInterval);
        Assert.Equal(
            new RetryPolicy
            {
                MaxAttempts = 7,
                InitialDelay = TimeSpan.FromSeconds(1.5),
                MaxDelay = TimeSpan.FromMinutes(2),
                RetryOnWorkerLost = false,
                RetryOnTimeout = true,
                RetryExitCodes = options.Retry.RetryExitCodes,
                MaxLostWorkers = 4,
            },
            options.Retry);
        Assert.Equal([75, 137], options.Retry.RetryExitCodes);

        // Orleans would refuse a reminder period below its minimum; the minimum follows the recovery interval.
        Assert.Equal(TimeSpan.FromSeconds(5), reminders.MinimumReminderPeriod);
    }

    [Fact]
    public void AddPlexusActions_DefaultRecoveryAndRetry_AreDocumentedValues()
    {
        using var host = BuildHost([]);

        var options = host.Services.GetRequiredService<IOptions<ExecutionOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(30), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromMinutes(1), options.RecoveryInterval);
        Assert.Equal(3, options.Retry.MaxAttempts);
        Assert.True(options.Retry.RetryOnWorkerLost);
        Assert.False(options.Retry.RetryOnTimeout);
        Assert.Empty(options.Retry.RetryExitCodes);
    }

    [Fact]
    public void AddPlexusActions_InvalidRetrySettings_FailNamingTheSection()
    {
        using var host = BuildHost(new()
        {
            ["Plexus:Retry:MaxAttempts"] = "0",
            ["Plexus:LeaseDuration"] = "00:00:00.1",
        });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ExecutionOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("Plexus:Retry:", StringComparison.Ordinal) && f.Contains("attempts", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Plexus:LeaseDuration", StringComparison.Ordinal));
    }
}
