using Orleans;

namespace Plexus.Aws;

/// <summary>
/// How to reach one AWS service: region, endpoint and credentials. The base of every AWS provider's options, so
/// each binds the same keys (<c>Region</c>, <c>ServiceUrl</c>, <c>AccessKey</c>, <c>SecretKey</c>, <c>Token</c>,
/// <c>ProfileName</c>). Whatever is left unset comes from the AWS SDK's own configuration: the region from
/// <c>AWS_REGION</c> or the shared config file, the endpoint from <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, and the
/// credentials from the standard chain (environment, <c>AWS_PROFILE</c>, container or instance role).
/// </summary>
/// <remarks>
/// Credentials come from exactly one place: the keys (<see cref="AccessKey"/>, <see cref="SecretKey"/> and
/// optionally <see cref="Token"/>), or the profile <see cref="ProfileName"/>, or, with neither, the SDK's chain.
/// Keys and a profile together are refused at start rather than one silently winning.
/// <para>
/// A provider uses a client registered in the service container as a keyed service of the SDK's client interface
/// (<c>IAmazonDynamoDB</c>, <c>IAmazonSQS</c>) under the provider's name, instead of building one from these
/// settings (tests, custom retry or HTTP settings); the container, not the provider, disposes it.
/// </para>
/// </remarks>
public class AwsConnectionOptions
{
    /// <summary>Gets or sets the AWS region system name, e.g. <c>eu-west-1</c>. Default is null: the SDK's region lookup.</summary>
    public string? Region { get; set; }

    /// <summary>
    /// Gets or sets the endpoint to talk to instead of the region's public one, e.g. an emulator's
    /// <c>http://127.0.0.1:8000</c>. Default is null: the SDK's <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, else the region's endpoint.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Gets or sets the access key id of explicit credentials; set with <see cref="SecretKey"/>. Default is null: no explicit keys.</summary>
    public string? AccessKey { get; set; }

    /// <summary>Gets or sets the secret access key that goes with <see cref="AccessKey"/>. Default is null. Redacted when options are logged.</summary>
    [Redact]
    public string? SecretKey { get; set; }

    /// <summary>Gets or sets the session token of temporary explicit credentials. Default is null. Redacted when options are logged.</summary>
    [Redact]
    public string? Token { get; set; }

    /// <summary>
    /// Gets or sets the name of a profile in the shared AWS credentials and config files to take credentials from;
    /// not together with <see cref="AccessKey"/>. Default is null: the SDK's credential chain (which honours <c>AWS_PROFILE</c>).
    /// </summary>
    public string? ProfileName { get; set; }

    /// <summary>Copies every setting that is set (not null or blank) onto <paramref name="target"/>, leaving the others as they are.</summary>
    public void ApplyTo(AwsConnectionOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Region = Pick(Region, target.Region);
        target.ServiceUrl = Pick(ServiceUrl, target.ServiceUrl);
        target.AccessKey = Pick(AccessKey, target.AccessKey);
        target.SecretKey = Pick(SecretKey, target.SecretKey);
        target.Token = Pick(Token, target.Token);
        target.ProfileName = Pick(ProfileName, target.ProfileName);
    }

    private static string? Pick(string? value, string? current) => string.IsNullOrWhiteSpace(value) ? current : value;
}
