using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using Plexus.Aws.DynamoDb.Clustering;
using Plexus.Aws.DynamoDb.Options;

namespace Plexus.Aws.DynamoDb.Hosting;

/// <summary>Registers DynamoDB clustering: the membership table on silos, the gateway list on clients.</summary>
public static class DynamoDbClusteringExtensions
{
    /// <summary>Makes the silo join its cluster (<see cref="ClusterOptions.ClusterId"/>) through a DynamoDB membership table.</summary>
    public static ISiloBuilder UseDynamoDbClustering(this ISiloBuilder builder, Action<DynamoDbClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services
            .AddDynamoDbOptions(configure, "DynamoDB clustering")
            .AddSingleton<IMembershipTable, DynamoDbMembershipTable>();
        return builder;
    }

    /// <summary>Makes the silo join its cluster through a DynamoDB membership table configured by <paramref name="section"/>.</summary>
    public static ISiloBuilder UseDynamoDbClustering(this ISiloBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.UseDynamoDbClustering(section.Bind);
    }

    /// <summary>Makes the client find the gateways of its cluster (<see cref="ClusterOptions.ClusterId"/>) in the DynamoDB membership table.</summary>
    public static IClientBuilder UseDynamoDbClustering(this IClientBuilder builder, Action<DynamoDbGatewayOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services
            .AddDynamoDbOptions(configure, "DynamoDB gateway list")
            .AddSingleton<IGatewayListProvider, DynamoDbGatewayListProvider>();
        return builder;
    }

    /// <summary>Makes the client find its cluster's gateways in the DynamoDB membership table configured by <paramref name="section"/>.</summary>
    public static IClientBuilder UseDynamoDbClustering(this IClientBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.UseDynamoDbClustering(section.Bind);
    }
}
