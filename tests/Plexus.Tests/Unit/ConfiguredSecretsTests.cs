using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexus.Security;

namespace Plexus.Tests.Unit;

/// <summary>The one mechanism for configured secrets: which settings are secrets, and loggers that never write them.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ConfiguredSecretsTests
{
    private const string Secret = "unit-secret-value-0123456789";

    [Fact]
    public void IsSecretKey_EveryPropertyTheOptionsMarkRedact_IsASecret()
    {
        Assembly[] assemblies = [typeof(AuthOptions).Assembly, typeof(Plexus.Client.PlexusClientOptions).Assembly, typeof(Plexus.Aws.AwsConnectionOptions).Assembly];
        var redacted = assemblies.SelectMany(a => a.GetTypes()).SelectMany(t => t.GetProperties())
            .Where(p => p.GetCustomAttribute<Orleans.RedactAttribute>() is not null)
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}")
            .ToList();

        Assert.True(redacted.Count >= 5, $"found only {string.Join(", ", redacted)}");
        Assert.All(redacted, name => Assert.True(ConfiguredSecrets.IsSecretKey("Plexus:Any:" + name.Split('.')[1]), name));
        Assert.True(ConfiguredSecrets.IsSecretKey("Plexus:Commands:deploy:Environment:DEPLOY_TOKEN"));
        Assert.False(ConfiguredSecrets.IsSecretKey("Plexus:Auth:Keys:ci:Role"));
        Assert.False(ConfiguredSecrets.IsSecretKey("Plexus:Commands:deploy:Executable"));
    }

    [Fact]
    public void Logger_MessageAndExceptionHoldingASecret_WritesThemRedacted()
    {
        var written = new List<string>();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new CapturingProvider(written)));
        var secrets = new ConfiguredSecrets(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plexus:Auth:ClusterSecret"] = Secret,
            ["Plexus:Auth:Keys:ci:Key"] = "short",
        }).Build());
        RedactingLoggerProvider.AddSecretRedaction(services, secrets);
        using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILogger<ConfiguredSecretsTests>>();

        logger.LogWarning(new InvalidOperationException($"failed with {Secret}"), "calling with {Value} and short", Secret);

        var line = Assert.Single(written);
        Assert.DoesNotContain(Secret, line, StringComparison.Ordinal);
        Assert.Contains("calling with (redacted) and short", line, StringComparison.Ordinal);
        Assert.Contains("failed with (redacted)", line, StringComparison.Ordinal);
    }

    private sealed class CapturingProvider(List<string> written) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(written);

        public void Dispose()
        {
        }

        private sealed class Capturing(List<string> written) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                written.Add(formatter(state, exception) + " | " + exception);
        }
    }
}
