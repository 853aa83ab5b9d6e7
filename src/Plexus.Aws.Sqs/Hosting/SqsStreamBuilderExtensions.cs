using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Plexus.Aws.Sqs.Options;

namespace Plexus.Aws.Sqs.Hosting;

/// <summary>Registers Orleans persistent streams on Amazon SQS, on silos and on clients.</summary>
public static class SqsStreamBuilderExtensions
{
    /// <summary>Adds the SQS stream provider <paramref name="name"/> to a silo, configured by <paramref name="configure"/>.</summary>
    public static ISiloBuilder AddSqsStreams(this ISiloBuilder builder, string name, Action<SiloSqsStreamConfigurator> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(new SiloSqsStreamConfigurator(name, configureServices => configureServices(builder.Services)));
        return builder;
    }

    /// <summary>Adds the SQS stream provider <paramref name="name"/> to a silo with the given SQS settings.</summary>
    public static ISiloBuilder AddSqsStreams(this ISiloBuilder builder, string name, Action<SqsStreamOptions> configureOptions) =>
        builder.AddSqsStreams(name, streams => streams.ConfigureSqs(options => options.Configure(configureOptions)));

    /// <summary>
    /// Adds the SQS stream provider <paramref name="name"/> to a silo with settings bound from
    /// <paramref name="configuration"/> (keys named like the <see cref="SqsStreamOptions"/> properties), then
    /// <paramref name="configure"/> for anything else.
    /// </summary>
    public static ISiloBuilder AddSqsStreams(
        this ISiloBuilder builder, string name, IConfiguration configuration, Action<SiloSqsStreamConfigurator>? configure = null) =>
        builder.AddSqsStreams(name, streams =>
        {
            streams.ConfigureSqs(options => options.Bind(configuration));
            configure?.Invoke(streams);
        });

    /// <summary>Adds the SQS stream provider <paramref name="name"/> to a client, configured by <paramref name="configure"/>.</summary>
    public static IClientBuilder AddSqsStreams(this IClientBuilder builder, string name, Action<ClusterClientSqsStreamConfigurator> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(new ClusterClientSqsStreamConfigurator(name, builder));
        return builder;
    }

    /// <summary>Adds the SQS stream provider <paramref name="name"/> to a client with the given SQS settings.</summary>
    public static IClientBuilder AddSqsStreams(this IClientBuilder builder, string name, Action<SqsStreamOptions> configureOptions) =>
        builder.AddSqsStreams(name, streams => streams.ConfigureSqs(options => options.Configure(configureOptions)));

    /// <summary>
    /// Adds the SQS stream provider <paramref name="name"/> to a client with settings bound from
    /// <paramref name="configuration"/>, then <paramref name="configure"/> for anything else.
    /// </summary>
    public static IClientBuilder AddSqsStreams(
        this IClientBuilder builder, string name, IConfiguration configuration, Action<ClusterClientSqsStreamConfigurator>? configure = null) =>
        builder.AddSqsStreams(name, streams =>
        {
            streams.ConfigureSqs(options => options.Bind(configuration));
            configure?.Invoke(streams);
        });
}
