using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Plexus.Aws.DynamoDb.Options;

namespace Plexus.Aws.DynamoDb.Hosting;

/// <summary>What every unnamed DynamoDB provider registers for its options.</summary>
internal static class DynamoDbOptionsRegistration
{
    /// <summary>
    /// Configures <typeparamref name="TOptions"/>, has them validated at start with messages naming
    /// <paramref name="provider"/>, and logged (secrets redacted) with the rest of the silo's or client's options.
    /// </summary>
    public static IServiceCollection AddDynamoDbOptions<TOptions>(this IServiceCollection services, Action<TOptions> configure, string provider)
        where TOptions : DynamoDbOptions, new()
    {
        services.Configure(configure);
        services.AddSingleton<IConfigurationValidator>(sp => new DynamoDbOptionsValidator<TOptions>(
            sp.GetRequiredService<IOptions<TOptions>>().Value, provider));
        services.ConfigureFormatter<TOptions>();
        return services;
    }
}
