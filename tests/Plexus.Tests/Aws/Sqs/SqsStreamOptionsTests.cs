using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Plexus.Aws.Sqs.Hosting;
using Plexus.Aws.Sqs.Options;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>Binding of <see cref="SqsStreamOptions"/> from configuration, its validator and its logging.</summary>
[Trait(Category.Name, Category.Aws)]
public sealed class SqsStreamOptionsTests
{
    private const string Provider = "commands";

    // Builds (but never starts) a host whose silo registers the SQS streams from the "Sqs" section.
    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.UseLocalhostClustering().AddSqsStreams(Provider, builder.Configuration.GetSection("Sqs")));
        return builder.Build();
    }

    private static void Validate(IHost host)
    {
        foreach (var validator in host.Services.GetServices<IConfigurationValidator>().Where(v => v is SqsStreamOptionsValidator))
        {
            validator.ValidateConfiguration();
        }
    }

    [Fact]
    public void AddSqsStreams_FullConfigurationSection_BindsEveryValue()
    {
        using var host = BuildHost(new()
        {
            ["Sqs:Region"] = "eu-west-1",
            ["Sqs:ServiceUrl"] = "http://127.0.0.1:4566",
            ["Sqs:AccessKey"] = "AKIAEXAMPLE",
            ["Sqs:SecretKey"] = "secret-value",
            ["Sqs:Token"] = "session-token-value",
            ["Sqs:QueuePrefix"] = "plexus-prod",
            ["Sqs:PartitionCount"] = "16",
            ["Sqs:FifoQueues"] = "true",
            ["Sqs:ReceiveBatchSize"] = "5",
            ["Sqs:ReceiveWaitTime"] = "00:00:04",
            ["Sqs:VisibilityTimeout"] = "00:02:00",
            ["Sqs:MaxReceiveCount"] = "7",
            ["Sqs:MaxMessageSize"] = "1048576",
            ["Sqs:CreateIfNotExists"] = "false",
        });

        var options = host.Services.GetRequiredService<IOptionsMonitor<SqsStreamOptions>>().Get(Provider);

        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal("http://127.0.0.1:4566", options.ServiceUrl);
        Assert.Equal("AKIAEXAMPLE", options.AccessKey);
        Assert.Equal("secret-value", options.SecretKey);
        Assert.Equal("session-token-value", options.Token);
        Assert.Equal("plexus-prod", options.QueuePrefix);
        Assert.Equal(16, options.PartitionCount);
        Assert.True(options.FifoQueues);
        Assert.Equal(5, options.ReceiveBatchSize);
        Assert.Equal(TimeSpan.FromSeconds(4), options.ReceiveWaitTime);
        Assert.Equal(TimeSpan.FromMinutes(2), options.VisibilityTimeout);
        Assert.Equal(7, options.MaxReceiveCount);
        Assert.Equal(1024 * 1024, options.MaxMessageSize);
        Assert.False(options.CreateIfNotExists);
        Validate(host);
    }

    [Fact]
    public void AddSqsStreams_ProfileName_BindsIt()
    {
        using var host = BuildHost(new() { ["Sqs:ProfileName"] = "plexus-deploy" });

        var options = host.Services.GetRequiredService<IOptionsMonitor<SqsStreamOptions>>().Get(Provider);

        Assert.Equal("plexus-deploy", options.ProfileName);
        Assert.Null(options.AccessKey);
    }

    [Fact]
    public void AddSqsStreams_EmptySection_LeavesEverythingToTheSdkAndDefaults()
    {
        using var host = BuildHost([]);

        var options = host.Services.GetRequiredService<IOptionsMonitor<SqsStreamOptions>>().Get(Provider);

        Assert.Null(options.Region);
        Assert.Null(options.ServiceUrl);
        Assert.Null(options.AccessKey);
        Assert.Null(options.ProfileName);
        Assert.Null(options.QueuePrefix);
        Assert.Equal(8, options.PartitionCount);
        Assert.False(options.FifoQueues);
        Assert.Equal(10, options.ReceiveBatchSize);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ReceiveWaitTime);
        Assert.Equal(TimeSpan.FromSeconds(30), options.VisibilityTimeout);
        Assert.Equal(5, options.MaxReceiveCount);
        Assert.Equal(256 * 1024, options.MaxMessageSize);
        Assert.True(options.CreateIfNotExists);
        Validate(host);
    }

    [Theory]
    [InlineData("ReceiveBatchSize", "11", "ReceiveBatchSize must be from 1 to 10 (an SQS receive returns at most 10 messages); it is 11.")]
    [InlineData("ReceiveWaitTime", "00:00:21", "ReceiveWaitTime must be a whole number of seconds from 0 to 20")]
    [InlineData("ReceiveWaitTime", "00:00:01.5", "ReceiveWaitTime must be a whole number of seconds")]
    [InlineData("VisibilityTimeout", "00:00:01", "VisibilityTimeout must be a whole number of seconds from 2 s to 12 h")]
    [InlineData("VisibilityTimeout", "13:00:00", "VisibilityTimeout must be")]
    [InlineData("PartitionCount", "0", "PartitionCount must be from 1 to 1000; it is 0.")]
    [InlineData("MaxReceiveCount", "0", "MaxReceiveCount must be from 1 to 1000; it is 0.")]
    [InlineData("MaxMessageSize", "2000000", "MaxMessageSize must be from 1,024 to 1,048,576 bytes")]
    [InlineData("QueuePrefix", " ", "QueuePrefix is blank")]
    [InlineData("ServiceUrl", "not a url", "ServiceUrl 'not a url' is not an absolute http(s) URL")]
    [InlineData("AccessKey", "AKIAEXAMPLE", "AccessKey is set but SecretKey is not")]
    [InlineData("Token", "t", "Token is set but AccessKey is not")]
    public void Validator_BadSetting_FailsNamingIt(string key, string value, string expected)
    {
        using var host = BuildHost(new() { [$"Sqs:{key}"] = value });

        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(host));

        Assert.StartsWith($"SQS stream provider '{Provider}' is not configured correctly (1 problem):", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsLogging_Secrets_AreRedacted()
    {
        using var host = BuildHost(new()
        {
            ["Sqs:AccessKey"] = "AKIAEXAMPLE",
            ["Sqs:SecretKey"] = "secret-value",
            ["Sqs:Token"] = "session-token-value",
        });

        var formatter = host.Services.GetServices<IOptionFormatter>().Single(f => f.Name.Contains(nameof(SqsStreamOptions), StringComparison.Ordinal));
        var lines = string.Join("\n", formatter.Format());

        Assert.Contains("AKIAEXAMPLE", lines, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", lines, StringComparison.Ordinal);
        Assert.DoesNotContain("session-token-value", lines, StringComparison.Ordinal);
    }
}
