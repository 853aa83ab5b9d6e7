using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Plexus.Aws.DynamoDb.Clustering;
using Plexus.Aws.DynamoDb.Options;

namespace Plexus.Aws.DynamoDb.Hosting;

/// <summary>Registers DynamoDB clustering on silos: the membership table (clients find the gateways in it through Plexus.Aws.Client).</summary>
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
}
