using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Plexus.Aws.DynamoDb.Indexing;
using Plexus.Aws.DynamoDb.Options;
using Plexus.Queries;

namespace Plexus.Aws.DynamoDb.Hosting;

/// <summary>Registers the DynamoDB action index on a silo.</summary>
public static class DynamoDbActionIndexExtensions
{
    /// <summary>Keeps the index that listings read in a DynamoDB table, created (when missing) as the silo starts.</summary>
    public static ISiloBuilder UseDynamoDbActionIndex(this ISiloBuilder builder, Action<DynamoDbActionIndexOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services
            .AddDynamoDbOptions(configure, "DynamoDB action index")
            .AddSingleton<DynamoDbActionIndex>()
            .AddSingleton<IActionIndex>(sp => sp.GetRequiredService<DynamoDbActionIndex>())
            .AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DynamoDbActionIndex>());
        return builder;
    }

    /// <summary>Keeps the index that listings read in a DynamoDB table configured by <paramref name="section"/>.</summary>
    public static ISiloBuilder UseDynamoDbActionIndex(this ISiloBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.UseDynamoDbActionIndex(section.Bind);
    }
}
