using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans.Runtime;

namespace Plexus.Aws.Client;

/// <summary>Registers the client side of DynamoDB clustering: the gateway list read from the silos' membership table.</summary>
public static class DynamoDbClusteringClientExtensions
{
    /// <summary>
    /// Makes the client find the gateways of its cluster (<see cref="ClusterOptions.ClusterId"/>) in the DynamoDB
    /// membership table. The options are validated when the client starts (every problem in one message) and logged
    /// with the secrets redacted.
    /// </summary>
    public static IClientBuilder UseDynamoDbClustering(this IClientBuilder builder, Action<DynamoDbGatewayOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.Services.AddSingleton<IConfigurationValidator>(sp =>
            new DynamoDbGatewayOptionsValidator(sp.GetRequiredService<IOptions<DynamoDbGatewayOptions>>().Value));
        builder.Services.ConfigureFormatter<DynamoDbGatewayOptions>();
        builder.Services.AddSingleton<IGatewayListProvider, DynamoDbGatewayListProvider>();
        return builder;
    }

    /// <summary>Makes the client find its cluster's gateways in the DynamoDB membership table configured by <paramref name="section"/>.</summary>
    public static IClientBuilder UseDynamoDbClustering(this IClientBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.UseDynamoDbClustering(section.Bind);
    }

    /// <summary>
    /// Makes the client find its cluster's gateways in the DynamoDB membership table named by the application's
    /// <c>Plexus:Aws</c> settings (region, DynamoDB endpoint, credentials, table prefix).
    /// </summary>
    public static IClientBuilder UseDynamoDbClustering(this IClientBuilder builder, PlexusAwsSettings aws)
    {
        ArgumentNullException.ThrowIfNull(aws);
        return builder.UseDynamoDbClustering(aws.ApplyTo);
    }

    /// <summary>Copies what <paramref name="aws"/> sets for DynamoDB (connection and <see cref="PlexusAwsSettings.TablePrefix"/>) onto <paramref name="options"/>.</summary>
    public static void ApplyTo(this PlexusAwsSettings aws, DynamoDbGatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(options);
        aws.DynamoDbConnection().ApplyTo(options);
        options.TablePrefix = aws.TablePrefix;
    }
}
