namespace Plexus.Aws.S3.Options;

/// <summary>Where the <c>Aws</c> profile keeps artifacts: an S3 bucket and a key prefix, and how to reach S3.</summary>
public sealed class S3ArtifactOptions : AwsConnectionOptions
{
    /// <summary>Gets or sets the bucket. Default is <c>plexus-artifacts</c>.</summary>
    public string BucketName { get; set; } = "plexus-artifacts";

    /// <summary>Gets or sets the prefix of every key, to keep deployments apart in one bucket. Default is <c>artifacts/</c>.</summary>
    public string KeyPrefix { get; set; } = "artifacts/";

    /// <summary>Gets or sets whether the bucket is created when it is missing, at the first artifact kept. Default is yes.</summary>
    public bool CreateBucket { get; set; } = true;

    /// <summary>
    /// Gets or sets whether requests name the bucket in the path instead of the host name, which local emulators need.
    /// Default is null: yes when an endpoint is set (<see cref="AwsConnectionOptions.ServiceUrl"/> or <c>AWS_ENDPOINT_URL_S3</c>).
    /// </summary>
    public bool? ForcePathStyle { get; set; }
}
