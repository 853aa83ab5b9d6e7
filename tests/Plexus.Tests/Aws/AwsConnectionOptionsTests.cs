using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Storage;
using Plexus.Actions;
using Plexus.Aws;
using Plexus.Aws.Client;
using Plexus.Aws.DynamoDb.Hosting;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Aws.DynamoDb.Storage;
using Plexus.Aws.Sqs.Options;
using Plexus.Execution;
using Plexus.Silo.Hosting;
using Plexus.Tests.Aws.DynamoDb;
using Plexus.Tests.EndToEnd;

namespace Plexus.Tests.Aws;

/// <summary>
/// The connection settings every AWS provider shares (<see cref="AwsConnectionOptions"/>): one validator that collects
/// every problem and fails start once with all of them, one credentials rule, redaction, injected clients, and the
/// application's <c>Plexus:Aws</c> section mapped onto the silo's and the client's provider options.
/// </summary>
[Trait(Category.Name, Category.Aws)]
public sealed class AwsConnectionOptionsTests
{
    // Four connection problems at once: a bad region, a relative URL, a secret without its key, a token without keys.
    private static readonly AwsConnectionOptions BadConnection = new()
    {
        Region = "EU West",
        ServiceUrl = "localhost:8000",
        SecretKey = "s3cret",
        Token = "tok",
    };

    private static readonly string[] BadConnectionProblems =
    [
        "Region 'EU West' is not an AWS region name",
        "ServiceUrl 'localhost:8000' is not an absolute http(s) URL",
        "SecretKey is set but AccessKey is not",
        "Token is set but AccessKey is not",
    ];

    public static TheoryData<string> Providers => ["DynamoDB clustering", "DynamoDB gateway list", "SQS stream provider 'commands'"];

    // The validator each provider registers, over options that got `connection` applied.
    private static IConfigurationValidator Validator(string provider, AwsConnectionOptions connection)
    {
        switch (provider)
        {
            case "DynamoDB clustering":
                var clustering = new DynamoDbClusteringOptions();
                connection.ApplyTo(clustering);
                return new DynamoDbOptionsValidator<DynamoDbClusteringOptions>(clustering, provider);
            case "DynamoDB gateway list":
                var gateway = new DynamoDbGatewayOptions();
                connection.ApplyTo(gateway);
                return new DynamoDbGatewayOptionsValidator(gateway);
            default:
                var sqs = new SqsStreamOptions();
                connection.ApplyTo(sqs);
                return new SqsStreamOptionsValidator(sqs, "commands");
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void ValidateConfiguration_SeveralConnectionProblems_FailsOnceNamingEveryOne(string provider)
    {
        var error = Assert.Throws<OrleansConfigurationException>(Validator(provider, BadConnection).ValidateConfiguration);

        Assert.StartsWith($"{provider} is not configured correctly (4 problems):", error.Message, StringComparison.Ordinal);
        Assert.All(BadConnectionProblems, problem => Assert.Contains(problem, error.Message, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void ValidateConfiguration_ProfileAndKeys_IsRefusedByEveryProvider(string provider)
    {
        var both = new AwsConnectionOptions { AccessKey = "AKID", SecretKey = "s3cret", ProfileName = "dev" };

        var error = Assert.Throws<OrleansConfigurationException>(Validator(provider, both).ValidateConfiguration);

        Assert.Contains("(1 problem)", error.Message, StringComparison.Ordinal);
        Assert.Contains("ProfileName and AccessKey are both set", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void ValidateConfiguration_KeysOrProfileOrNeither_PassesInEveryProvider(string provider)
    {
        Validator(provider, new AwsConnectionOptions { AccessKey = "AKID", SecretKey = "s3cret", Token = "tok", Region = "eu-west-1" }).ValidateConfiguration();
        Validator(provider, new AwsConnectionOptions { ProfileName = "dev", ServiceUrl = "http://127.0.0.1:8000" }).ValidateConfiguration();
        Validator(provider, new AwsConnectionOptions()).ValidateConfiguration();
    }

    [Fact]
    public async Task StartAsync_SiloWithSeveralBadDynamoDbSettings_FailsWithEveryProblemInOneMessage()
    {
        var (siloPort, gatewayPort) = FreePort.NextPair();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo
            .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort)
            .UseDynamoDbClustering(o =>
            {
                o.ServiceUrl = "localhost:8000";
                o.AccessKey = "AKID";
                o.TableName = "x";
                o.ReadCapacityUnits = 5;
            }));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => host.StartAsync());

        Assert.StartsWith("DynamoDB clustering is not configured correctly (4 problems):", error.Message, StringComparison.Ordinal);
        Assert.Contains("ServiceUrl 'localhost:8000'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AccessKey is set but SecretKey is not", error.Message, StringComparison.Ordinal);
        Assert.Contains("the table name 'x' (TablePrefix + TableName)", error.Message, StringComparison.Ordinal);
        Assert.Contains("only one of ReadCapacityUnits and WriteCapacityUnits is set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ClientWithSeveralBadGatewaySettings_FailsWithEveryProblemInOneMessage()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client.UseDynamoDbClustering(o =>
        {
            o.AccessKey = "AKID";
            o.ProfileName = "dev";
            o.TableName = "";
        }));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => host.StartAsync());

        Assert.StartsWith("DynamoDB gateway list is not configured correctly (3 problems):", error.Message, StringComparison.Ordinal);
        Assert.Contains("AccessKey is set but SecretKey is not", error.Message, StringComparison.Ordinal);
        Assert.Contains("ProfileName and AccessKey are both set", error.Message, StringComparison.Ordinal);
        Assert.Contains("TableName is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionFormatter_GatewayList_RedactsTheSecretKeyAndToken()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client.UseDynamoDbClustering(o =>
        {
            o.AccessKey = "AKIDEXAMPLE";
            o.SecretKey = "secret-value-123";
            o.Token = "session-token-456";
        }));
        using var host = builder.Build();

        var formatter = Assert.Single(host.Services.GetServices<IOptionFormatter>(), f => f.Name.Contains(nameof(DynamoDbGatewayOptions), StringComparison.Ordinal));
        var text = string.Join("\n", formatter.Format());

        Assert.Contains("AKIDEXAMPLE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value-123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("session-token-456", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyTo_SomeSettingsSet_OverridesThoseAndKeepsTheRest()
    {
        var target = new SqsStreamOptions { Region = "eu-west-1", ServiceUrl = "http://127.0.0.1:4566", ProfileName = "dev" };

        new AwsConnectionOptions { Region = "us-east-2", ServiceUrl = " " }.ApplyTo(target);

        Assert.Equal("us-east-2", target.Region);
        Assert.Equal("http://127.0.0.1:4566", target.ServiceUrl);
        Assert.Equal("dev", target.ProfileName);
        Assert.Null(target.AccessKey);
    }

    private static IConfiguration PlexusAwsSection() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Plexus:Aws:Region"] = "eu-west-1",
        ["Plexus:Aws:DynamoDbServiceUrl"] = "http://127.0.0.1:8000",
        ["Plexus:Aws:SqsServiceUrl"] = "http://127.0.0.1:4566",
        ["Plexus:Aws:AccessKey"] = "AKIDEXAMPLE",
        ["Plexus:Aws:SecretKey"] = "secret-value-123",
        ["Plexus:Aws:Token"] = "session-token-456",
        ["Plexus:Aws:TablePrefix"] = "prod-",
        ["Plexus:Aws:QueuePrefix"] = "prod",
    }).Build();

    private static void AssertConnection(AwsConnectionOptions options, string serviceUrl)
    {
        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal(serviceUrl, options.ServiceUrl);
        Assert.Equal("AKIDEXAMPLE", options.AccessKey);
        Assert.Equal("secret-value-123", options.SecretKey);
        Assert.Equal("session-token-456", options.Token);
    }

    [Fact]
    public void PlexusAwsSettings_FromPlexusAwsSection_GivesEachServiceItsOwnEndpointAndTheSameCredentials()
    {
        var aws = PlexusAwsSettings.From(PlexusAwsSection());

        Assert.Equal("prod-", aws.TablePrefix);
        Assert.Equal("prod", aws.QueuePrefix);
        AssertConnection(aws.DynamoDbConnection(), "http://127.0.0.1:8000");
        AssertConnection(aws.SqsConnection(), "http://127.0.0.1:4566");
        Assert.Equal("dev", new PlexusAwsSettings { ProfileName = "dev" }.SqsConnection().ProfileName);
    }

    [Fact]
    public void UseAwsProfile_PlexusAwsSection_ReachesTheOptionsOfEverySiloProvider()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(PlexusAwsSection());
        var options = new Plexus.Silo.Hosting.SiloOptions { AdvertisedIp = "127.0.0.1" };
        var endpoints = new Plexus.Silo.Hosting.SiloEndpoints(System.Net.IPAddress.Loopback, options.SiloPort, options.GatewayPort, options.SiloPort, options.GatewayPort, "tests");
        builder.UseOrleans(silo => silo.UseAwsProfile(builder.Configuration, options, endpoints));
        using var host = builder.Build();

        foreach (var dynamoDb in new DynamoDbOptions[]
        {
            host.Services.GetRequiredService<IOptions<DynamoDbClusteringOptions>>().Value,
            host.Services.GetRequiredService<IOptionsMonitor<DynamoDbGrainStorageOptions>>().Get(ActionGrain.StorageName),
            host.Services.GetRequiredService<IOptions<DynamoDbReminderOptions>>().Value,
        })
        {
            AssertConnection(dynamoDb, "http://127.0.0.1:8000");
            Assert.Equal("prod-", dynamoDb.TablePrefix);
        }

        var sqs = host.Services.GetRequiredService<IOptionsMonitor<SqsStreamOptions>>().Get(CommandStreams.ProviderName);
        AssertConnection(sqs, "http://127.0.0.1:4566");
        Assert.Equal("prod", sqs.QueuePrefix);
    }

    [Fact]
    public void UseDynamoDbClustering_PlexusAwsSettings_ConfiguresTheGatewayList()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client.UseDynamoDbClustering(PlexusAwsSettings.From(PlexusAwsSection())));
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<DynamoDbGatewayOptions>>().Value;

        AssertConnection(options, "http://127.0.0.1:8000");
        Assert.Equal("prod-PlexusMembership", options.FullTableName);
        Assert.IsType<DynamoDbGatewayListProvider>(host.Services.GetRequiredService<IGatewayListProvider>());
    }

    [Fact]
    public async Task KeyedClients_EveryDynamoDbProvider_UsesThemInsteadOfBuiltOnesAndLeavesThemOpen()
    {
        var prefix = DynamoDbLocal.TablePrefix("keyed");
        using var injected = DynamoDbLocal.Client();

        // The options point nowhere (the discard port): only the injected client reaches the emulator.
        const string Nowhere = "http://127.0.0.1:9";
        var silo = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        silo.Services
            .AddKeyedSingleton(DynamoDbClusteringOptions.ClientKey, injected)
            .AddKeyedSingleton(DynamoDbReminderOptions.ClientKey, injected)
            .AddKeyedSingleton(ActionGrain.StorageName, injected);
        silo.UseOrleans(s => s
            .UseDynamoDbClustering(o => (o.TablePrefix, o.ServiceUrl) = (prefix, Nowhere))
            .UseDynamoDbReminders(o => (o.TablePrefix, o.ServiceUrl) = (prefix, Nowhere))
            .AddDynamoDbGrainStorage(ActionGrain.StorageName, o => (o.TablePrefix, o.ServiceUrl) = (prefix, Nowhere)));
        using (var siloHost = silo.Build())
        {
            await siloHost.Services.GetRequiredService<IMembershipTable>().InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
            await siloHost.Services.GetRequiredService<IReminderTable>().StartAsync(CancellationToken.None);
            var storage = Assert.IsType<DynamoDbGrainStorage>(siloHost.Services.GetRequiredKeyedService<IGrainStorage>(ActionGrain.StorageName));
            await storage.InitializeAsync(CancellationToken.None);
        }

        var client = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        client.Services.AddKeyedSingleton(DynamoDbGatewayOptions.ClientKey, injected);
        client.UseOrleansClient(c => c.UseDynamoDbClustering(o => (o.TablePrefix, o.ServiceUrl) = (prefix, Nowhere)));
        using (var clientHost = client.Build())
        {
            var gateways = clientHost.Services.GetRequiredService<IGatewayListProvider>();
            Assert.Empty(await gateways.GetGatewaysAsync(CancellationToken.None));
        }

        // Both hosts are disposed, with their providers; the client they were given is not.
        foreach (var table in new[] { DynamoDbClusteringOptions.DefaultTableName, DynamoDbReminderOptions.DefaultTableName, DynamoDbGrainStorageOptions.DefaultTableName })
        {
            var created = await injected.DescribeTableAsync(prefix + table);
            Assert.Equal(TableStatus.ACTIVE, created.Table.TableStatus);
        }
    }
}
