using Amazon.DynamoDBv2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Aws.DynamoDb.Storage;

namespace Plexus.Aws.DynamoDb.Hosting;

/// <summary>Registers DynamoDB grain storage on a silo.</summary>
public static class DynamoDbGrainStorageExtensions
{
    /// <summary>
    /// Adds a grain storage named <paramref name="name"/> kept in a DynamoDB table. A keyed <c>IAmazonDynamoDB</c>
    /// registered under <paramref name="name"/> is used instead of a client built from the options.
    /// </summary>
    public static ISiloBuilder AddDynamoDbGrainStorage(this ISiloBuilder builder, string name, Action<DynamoDbGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<DynamoDbGrainStorageOptions>(name).Configure(configure);
        services.AddTransient<IPostConfigureOptions<DynamoDbGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<DynamoDbGrainStorageOptions>>();
        services.AddTransient<IConfigurationValidator>(sp => new DynamoDbOptionsValidator<DynamoDbGrainStorageOptions>(
            sp.GetRequiredService<IOptionsMonitor<DynamoDbGrainStorageOptions>>().Get(name), $"DynamoDB grain storage '{name}'"));
        services.ConfigureNamedOptionForLogging<DynamoDbGrainStorageOptions>(name);
        services.AddGrainStorage(name, (sp, storageName) => new DynamoDbGrainStorage(
            storageName,
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            sp.GetRequiredService<IOptionsMonitor<DynamoDbGrainStorageOptions>>().Get(storageName),
            sp.GetRequiredService<ILogger<DynamoDbGrainStorage>>(),
            sp.GetService<TimeProvider>(),
            sp.GetKeyedService<IAmazonDynamoDB>(storageName)));
        return builder;
    }

    /// <summary>Adds a grain storage named <paramref name="name"/> configured by <paramref name="section"/>.</summary>
    public static ISiloBuilder AddDynamoDbGrainStorage(this ISiloBuilder builder, string name, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.AddDynamoDbGrainStorage(name, section.Bind);
    }

    /// <summary>Adds the default grain storage (used by grains that name none) kept in a DynamoDB table.</summary>
    public static ISiloBuilder AddDynamoDbGrainStorageAsDefault(this ISiloBuilder builder, Action<DynamoDbGrainStorageOptions> configure) =>
        builder.AddDynamoDbGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);
}
