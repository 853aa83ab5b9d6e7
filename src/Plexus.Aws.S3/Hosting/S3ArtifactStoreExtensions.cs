using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Plexus.Artifacts;
using Plexus.Aws.S3.Artifacts;
using Plexus.Aws.S3.Options;

namespace Plexus.Aws.S3.Hosting;

/// <summary>Registers the S3 artifact store.</summary>
public static class S3ArtifactStoreExtensions
{
    /// <summary>Keeps artifacts in S3 (the <c>Aws</c> profile), in the bucket and under the prefix <paramref name="configure"/> sets.</summary>
    public static ISiloBuilder UseS3ArtifactStore(this ISiloBuilder builder, Action<S3ArtifactOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new S3ArtifactOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.BucketName))
        {
            throw new Orleans.Runtime.OrleansConfigurationException("Plexus:Aws:ArtifactsBucket is empty: name the S3 bucket that keeps artifacts (default plexus-artifacts).");
        }

        builder.Services.AddSingleton<IArtifactStore>(_ => new S3ArtifactStore(S3ArtifactStore.CreateClient(options), options));
        return builder;
    }
}
