using Amazon.DynamoDBv2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Plexus.Aws;
using Plexus.Aws.Client;
using Plexus.Aws.DynamoDb.Hosting;
using Plexus.Aws.DynamoDb.Options;

namespace Plexus.Tests.Aws.DynamoDb;

/// <summary>Options of the DynamoDB providers: binding from configuration, validation at start, redaction, client building.</summary>
[Trait(Category.Name, Category.Aws)]
public sealed class DynamoDbOptionsTests
{
    // Every key bound at once (keys and a profile together would fail validation; binding does not validate).
    private static readonly Dictionary<string, string?> FullSection = new()
    {
        ["Aws:DynamoDb:Region"] = "eu-west-1",
        ["Aws:DynamoDb:ServiceUrl"] = "http://127.0.0.1:8000",
        ["Aws:DynamoDb:AccessKey"] = "AKIDEXAMPLE",
        ["Aws:DynamoDb:SecretKey"] = "secret-value-123",
        ["Aws:DynamoDb:Token"] = "session-token-456",
        ["Aws:DynamoDb:ProfileName"] = "plexus-profile",
        ["Aws:DynamoDb:TablePrefix"] = "prod-",
        ["Aws:DynamoDb:TableName"] = "Members",
        ["Aws:DynamoDb:ReadCapacityUnits"] = "7",
        ["Aws:DynamoDb:WriteCapacityUnits"] = "3",
        ["Aws:DynamoDb:CreateIfNotExists"] = "false",
        ["Aws:DynamoDb:TableActivationTimeout"] = "00:00:45",
    };

    // A real (not started) silo or client host, so the registrations meet Orleans' own services as in production.
    private static IHost SiloHost(Action<ISiloBuilder, IConfiguration> configure, Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings ?? FullSection);
        builder.UseOrleans(silo => configure(silo, builder.Configuration));
        return builder.Build();
    }

    private static IHost ClientHost(Action<IClientBuilder, IConfiguration> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(FullSection);
        builder.UseOrleansClient(client => configure(client, builder.Configuration));
        return builder.Build();
    }

    private static void ValidateAll(IServiceProvider services)
    {
        foreach (var validator in services.GetServices<IConfigurationValidator>())
        {
            validator.ValidateConfiguration();
        }
    }

    private static void AssertConnection(AwsConnectionOptions options)
    {
        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal("http://127.0.0.1:8000", options.ServiceUrl);
        Assert.Equal("AKIDEXAMPLE", options.AccessKey);
        Assert.Equal("secret-value-123", options.SecretKey);
        Assert.Equal("session-token-456", options.Token);
        Assert.Equal("plexus-profile", options.ProfileName);
    }

    private static void AssertFullSection(DynamoDbOptions options)
    {
        AssertConnection(options);
        Assert.Equal("prod-", options.TablePrefix);
        Assert.Equal("Members", options.TableName);
        Assert.Equal("prod-Members", options.FullTableName);
        Assert.Equal(7, options.ReadCapacityUnits);
        Assert.Equal(3, options.WriteCapacityUnits);
        Assert.False(options.CreateIfNotExists);
        Assert.Equal(TimeSpan.FromSeconds(45), options.TableActivationTimeout);
    }

    [Fact]
    public void UseDynamoDbClustering_ConfigurationSection_BindsEverySettingFromItsOwnKey()
    {
        using var host = SiloHost((silo, configuration) => silo.UseDynamoDbClustering(configuration.GetSection("Aws:DynamoDb")));

        AssertFullSection(host.Services.GetRequiredService<IOptions<DynamoDbClusteringOptions>>().Value);
        Assert.IsType<Plexus.Aws.DynamoDb.Clustering.DynamoDbMembershipTable>(host.Services.GetRequiredService<IMembershipTable>());
    }

    [Fact]
    public void UseDynamoDbClustering_ClientConfigurationSection_BindsEverySettingFromItsOwnKey()
    {
        using var host = ClientHost((client, configuration) => client.UseDynamoDbClustering(configuration.GetSection("Aws:DynamoDb")));

        var options = host.Services.GetRequiredService<IOptions<DynamoDbGatewayOptions>>().Value;
        AssertConnection(options);
        Assert.Equal("prod-Members", options.FullTableName);
        Assert.IsType<DynamoDbGatewayListProvider>(host.Services.GetRequiredService<Orleans.Messaging.IGatewayListProvider>());
    }

    [Fact]
    public void UseDynamoDbReminders_ConfigurationSection_BindsEverySettingFromItsOwnKey()
    {
        using var host = SiloHost((silo, configuration) => silo.UseDynamoDbReminders(configuration.GetSection("Aws:DynamoDb")));

        AssertFullSection(host.Services.GetRequiredService<IOptions<DynamoDbReminderOptions>>().Value);
        Assert.IsType<Plexus.Aws.DynamoDb.Reminders.DynamoDbReminderTable>(host.Services.GetRequiredService<IReminderTable>());
    }

    [Fact]
    public void UseDynamoDbActionIndex_ConfigurationSection_BindsEverySettingFromItsOwnKey()
    {
        var settings = new Dictionary<string, string?>(FullSection)
        {
            ["Aws:DynamoDb:TimeToLiveMargin"] = "02:00:00",
            ["Aws:DynamoDb:TimeToLiveAttribute"] = "GoneAt",
        };
        using var host = SiloHost((silo, configuration) => silo.UseLocalhostClustering().UseDynamoDbActionIndex(configuration.GetSection("Aws:DynamoDb")), settings);
        var options = host.Services.GetRequiredService<IOptions<DynamoDbActionIndexOptions>>().Value;

        AssertFullSection(options);
        Assert.Equal(TimeSpan.FromHours(2), options.TimeToLiveMargin);
        Assert.Equal("GoneAt", options.TimeToLiveAttribute);
        var index = Assert.IsType<Plexus.Aws.DynamoDb.Indexing.DynamoDbActionIndex>(host.Services.GetRequiredService<Plexus.Queries.IActionIndex>());
        Assert.Contains(index, host.Services.GetServices<ILifecycleParticipant<ISiloLifecycle>>());
    }

    [Fact]
    public void ValidateConfiguration_ActionIndexWithNegativeMarginAndNoAttribute_FailsNamingBoth()
    {
        using var host = SiloHost((silo, _) => silo.UseLocalhostClustering().UseDynamoDbActionIndex(o => (o.TimeToLiveMargin, o.TimeToLiveAttribute) = (TimeSpan.FromHours(-1), " ")));

        var error = Assert.Throws<OrleansConfigurationException>(() => ValidateAll(host.Services));

        Assert.Contains("DynamoDB action index", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(DynamoDbActionIndexOptions.TimeToLiveMargin), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(DynamoDbActionIndexOptions.TimeToLiveAttribute), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDynamoDbGrainStorage_ConfigurationSection_BindsEverySettingOfThatStorageOnly()
    {
        var settings = new Dictionary<string, string?>(FullSection)
        {
            ["Aws:DynamoDb:TimeToLive"] = "7.00:00:00",
            ["Aws:DynamoDb:TimeToLiveAttribute"] = "GoneAt",
            ["Aws:DynamoDb:MaxStateSize"] = "1048576",
        };
        using var host = SiloHost((silo, configuration) => silo
            .UseLocalhostClustering()
            .AddDynamoDbGrainStorage("actions", configuration.GetSection("Aws:DynamoDb")), settings);
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DynamoDbGrainStorageOptions>>();
        var options = monitor.Get("actions");

        AssertFullSection(options);
        Assert.Equal(TimeSpan.FromDays(7), options.TimeToLive);
        Assert.Equal("GoneAt", options.TimeToLiveAttribute);
        Assert.Equal(1_048_576, options.MaxStateSize);
        Assert.NotNull(options.GrainStorageSerializer);
        Assert.Equal(DynamoDbGrainStorageOptions.DefaultTableName, monitor.Get("other").TableName);
        Assert.IsType<Plexus.Aws.DynamoDb.Storage.DynamoDbGrainStorage>(host.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>("actions"));
    }

    [Fact]
    public void Options_Defaults_AreOnDemandCreateIfMissingAndTheStandardAwsLookups()
    {
        var options = new DynamoDbClusteringOptions();

        Assert.Null(options.Region);
        Assert.Null(options.ServiceUrl);
        Assert.Null(options.AccessKey);
        Assert.Null(options.ProfileName);
        Assert.Null(options.ReadCapacityUnits);
        Assert.Null(options.WriteCapacityUnits);
        Assert.True(options.CreateIfNotExists);
        Assert.Equal("PlexusMembership", options.FullTableName);
        Assert.Null(new DynamoDbGrainStorageOptions().TimeToLive);
        Assert.Equal("PlexusActionIndex", new DynamoDbActionIndexOptions().FullTableName);
        Assert.Equal(TimeSpan.FromDays(1), new DynamoDbActionIndexOptions().TimeToLiveMargin);
    }

    [Fact]
    public void ValidateConfiguration_RegisteredClusteringWithoutTableName_FailsAtStartNamingTheSetting()
    {
        using var host = SiloHost((silo, _) => silo.UseDynamoDbClustering(o => o.TableName = " "));

        var error = Assert.Throws<OrleansConfigurationException>(() => ValidateAll(host.Services));

        Assert.Contains("DynamoDB clustering", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(DynamoDbOptions.TableName), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateConfiguration_RegisteredGrainStorageWithHalfTheCapacity_FailsNamingTheStorageAndBothSettings()
    {
        using var host = SiloHost((silo, _) => silo
            .UseLocalhostClustering()
            .AddDynamoDbGrainStorage("actions", o => o.ReadCapacityUnits = 5));

        var error = Assert.Throws<OrleansConfigurationException>(() => ValidateAll(host.Services));

        Assert.Contains("'actions'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(DynamoDbOptions.ReadCapacityUnits), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(DynamoDbOptions.WriteCapacityUnits), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(DynamoDbOptions.SecretKey), "AccessKey=AKID")]
    [InlineData(nameof(DynamoDbOptions.AccessKey), "SecretKey=s3cret")]
    [InlineData(nameof(DynamoDbOptions.AccessKey), "Token=tok")]
    [InlineData(nameof(DynamoDbOptions.ProfileName), "AccessKey=AKID;SecretKey=s3cret;ProfileName=dev")]
    [InlineData(nameof(DynamoDbOptions.Region), "Region=EU West")]
    [InlineData(nameof(DynamoDbOptions.ServiceUrl), "ServiceUrl=localhost:8000")]
    [InlineData(nameof(DynamoDbOptions.TablePrefix), "TablePrefix=bad prefix/")]
    [InlineData(nameof(DynamoDbOptions.ReadCapacityUnits), "ReadCapacityUnits=0;WriteCapacityUnits=5")]
    [InlineData(nameof(DynamoDbGrainStorageOptions.MaxStateSize), "MaxStateSize=0")]
    [InlineData(nameof(DynamoDbGrainStorageOptions.TimeToLive), "TimeToLive=-00:01:00")]
    public void ValidateConfiguration_InvalidSetting_NamesIt(string named, string settings)
    {
        var values = settings.Split(';').Select(s => s.Split('=', 2)).ToDictionary(p => "S:" + p[0], p => (string?)p[1]);
        var options = new DynamoDbGrainStorageOptions { GrainStorageSerializer = new TestSerializer() };
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("S").Bind(options);
        var validator = new DynamoDbOptionsValidator<DynamoDbGrainStorageOptions>(options, "DynamoDB grain storage 'x'");

        var error = Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("DynamoDB grain storage 'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateConfiguration_Defaults_Pass()
    {
        new DynamoDbOptionsValidator<DynamoDbClusteringOptions>(new DynamoDbClusteringOptions(), "DynamoDB clustering").ValidateConfiguration();
        new DynamoDbOptionsValidator<DynamoDbActionIndexOptions>(new DynamoDbActionIndexOptions(), "DynamoDB action index").ValidateConfiguration();
        new DynamoDbOptionsValidator<DynamoDbGrainStorageOptions>(
            new DynamoDbGrainStorageOptions { GrainStorageSerializer = new TestSerializer() }, "DynamoDB grain storage 'x'").ValidateConfiguration();
    }

    [Fact]
    public void OptionFormatter_Clustering_RedactsTheSecretKeyAndToken()
    {
        using var host = SiloHost((silo, configuration) => silo.UseDynamoDbClustering(configuration.GetSection("Aws:DynamoDb")));

        var formatter = Assert.Single(host.Services.GetServices<IOptionFormatter>(), f => f.Name.Contains(nameof(DynamoDbClusteringOptions), StringComparison.Ordinal));
        var text = string.Join("\n", formatter.Format());

        Assert.Contains("AKIDEXAMPLE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value-123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("session-token-456", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ExplicitEndpointRegionAndKeys_TalksToThatEndpoint()
    {
        var options = new DynamoDbClusteringOptions
        {
            ServiceUrl = DynamoDbLocal.Endpoint,
            Region = "eu-central-1",
            AccessKey = "explicit",
            SecretKey = "explicit-secret",
        };

        using var client = DynamoDbClientFactory.Create(options);
        var tables = await client.ListTablesAsync();

        Assert.Equal(new Uri(DynamoDbLocal.Endpoint), new Uri(((AmazonDynamoDBConfig)client.Config).ServiceURL));
        Assert.Equal("eu-central-1", client.Config.AuthenticationRegion);
        Assert.NotNull(tables);
    }

    [Fact]
    public async Task Create_NothingExplicit_UsesTheStandardEndpointVariable()
    {
        using var client = DynamoDbClientFactory.Create(new DynamoDbClusteringOptions());

        // The emulator answers only because the SDK took AWS_ENDPOINT_URL_DYNAMODB on its own.
        var tables = await client.ListTablesAsync();

        Assert.NotNull(tables);
    }

    [Fact]
    public void Create_UnknownProfile_FailsNamingIt()
    {
        var options = new DynamoDbClusteringOptions { ProfileName = "no-such-profile-" + Guid.NewGuid().ToString("N") };

        var error = Assert.Throws<OrleansConfigurationException>(() => DynamoDbClientFactory.Create(options));

        Assert.Contains(options.ProfileName, error.Message, StringComparison.Ordinal);
    }

    private sealed class TestSerializer : Orleans.Storage.IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromString("");

        public T Deserialize<T>(BinaryData input) => default!;
    }
}
