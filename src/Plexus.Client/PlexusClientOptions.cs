using Orleans;
using Plexus.Aws;

namespace Plexus.Client;

/// <summary>
/// How a client reaches its Plexus cluster. Bound from the <c>Plexus</c> configuration section by
/// <see cref="Hosting.PlexusClientHostingExtensions.AddPlexusClient(Microsoft.Extensions.Hosting.IHostApplicationBuilder, Action{PlexusClientOptions}?)"/>:
/// <c>Plexus:Profile</c>, <c>Plexus:Gateway</c>, <c>Plexus:ClusterId</c>, <c>Plexus:ServiceId</c>, <c>Plexus:Aws:*</c>.
/// </summary>
public sealed class PlexusClientOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Plexus";

    /// <summary>
    /// Gets or sets the deployment profile: <see cref="Profiles.Local"/> (one gateway at <see cref="Gateway"/>) or
    /// <see cref="Profiles.Aws"/> (the gateways listed in the cluster's DynamoDB membership table). Default is Local.
    /// </summary>
    public string Profile { get; set; } = Profiles.Local;

    /// <summary>Gets or sets the gateway of the Local profile, <c>host:port</c>. Default is <see cref="GatewayAddress.Default"/>.</summary>
    public string Gateway { get; set; } = GatewayAddress.Default;

    /// <summary>Gets or sets the Orleans cluster id. Default is <see cref="ClusterIds.ClusterId"/>.</summary>
    public string ClusterId { get; set; } = ClusterIds.ClusterId;

    /// <summary>Gets or sets the Orleans service id. Default is <see cref="ClusterIds.ServiceId"/>.</summary>
    public string ServiceId { get; set; } = ClusterIds.ServiceId;

    /// <summary>Gets or sets where the Aws profile finds the membership table (region, endpoint, table prefix). Default is the AWS SDK's configuration.</summary>
    public PlexusAwsSettings Aws { get; set; } = new();

    /// <summary>
    /// Gets or sets whether starting the client waits until the cluster answers, trying again every few seconds
    /// until the host's start is cancelled. Default is <see langword="true"/>, for long-lived hosts that may start
    /// before their cluster. When <see langword="false"/>, a cluster that does not answer fails the start at once
    /// (a command-line tool says so and exits).
    /// </summary>
    public bool WaitForCluster { get; set; } = true;

    /// <summary>
    /// Gets or sets the API key every call presents (<c>Plexus:ApiKey</c>; the CLI reads <c>--api-key-file</c> or
    /// <c>PLEXUS_API_KEY</c>). Default is none, which a cluster without configured keys accepts from loopback. Never logged.
    /// </summary>
    [Redact]
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets more configuration of the Orleans client, applied last: e.g. TLS through the Plexus.Tls package
    /// (<c>client => client.UsePlexusTls(settings)</c>), which this library does not reference because it brings the
    /// silo runtime along. Default is none.
    /// </summary>
    public Action<Orleans.Hosting.IClientBuilder>? ConfigureOrleans { get; set; }

    /// <summary>Gets whether the options name the Aws profile.</summary>
    internal bool IsAws => Profiles.Is(Profile, Profiles.Aws);

    /// <summary>Says, for messages, which cluster these options reach.</summary>
    internal string Describe() => IsAws ? $"'{ClusterId}' (DynamoDB membership)" : $"at {Gateway}";

    /// <summary>Throws <see cref="PlexusException"/> naming every setting that cannot work.</summary>
    internal void Validate()
    {
        List<string> problems = [];
        if (!IsAws && !Profiles.Is(Profile, Profiles.Local))
        {
            problems.Add($"{SectionName}:Profile is '{Profile}': use {Profiles.Local} or {Profiles.Aws} (or set {Profiles.EnvironmentVariable}).");
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            problems.Add($"{SectionName}:ClusterId is empty: leave it unset for '{ClusterIds.ClusterId}' or name the silos' cluster.");
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            problems.Add($"{SectionName}:ServiceId is empty: leave it unset for '{ClusterIds.ServiceId}' or name the silos' service.");
        }

        if (problems.Count > 0)
        {
            throw new PlexusException("The Plexus client settings cannot work: " + string.Join(" ", problems));
        }
    }
}
