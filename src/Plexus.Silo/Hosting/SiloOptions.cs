namespace Plexus.Silo.Hosting;

/// <summary>Where and how this silo runs; bound from the <c>Plexus</c> configuration section.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Plexus";

    /// <summary>
    /// Gets or sets the deployment profile (<c>--profile</c>, <c>PLEXUS_PROFILE</c>): <c>Local</c> (one silo, state on
    /// local disk, in-memory streams) or <c>Aws</c> (many silos joined through DynamoDB, SQS streams). Default is <c>Local</c>.
    /// </summary>
    public string Profile { get; set; } = Profiles.Local;

    /// <summary>Gets or sets the Orleans cluster id: silos with the same one form a cluster. Default is <c>plexus</c>.</summary>
    public string ClusterId { get; set; } = ClusterIds.ClusterId;

    /// <summary>Gets or sets the Orleans service id, which keys durable state and queues. Default is <c>plexus</c>.</summary>
    public string ServiceId { get; set; } = ClusterIds.ServiceId;

    /// <summary>
    /// Gets or sets the address this silo announces to the others and to clients (<c>Aws</c> profile). Default is
    /// the machine's first IPv4 address; several silos on one machine use 127.0.0.1 and ports of their own.
    /// </summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>Gets or sets the folder durable state is kept in (<c>--data-dir</c>). Default is <c>plexus-data</c> under the working directory.</summary>
    public string DataDir { get; set; } = "plexus-data";

    /// <summary>Gets or sets the port silos talk to each other on (<c>--silo-port</c>). Default is 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Gets or sets the port clients connect to (<c>--gateway-port</c>). Default is 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Gets or sets the port of the silo's HTTP host (<c>--http-port</c>): <c>/health/live</c>, <c>/health/ready</c>
    /// and <c>/metrics</c>; 0 takes any free port (the ready line names it). Bound to loopback in the embedded default,
    /// to every address in the <c>Aws</c> profile. Default is 8080.
    /// </summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>Gets or sets how a silo running as an ECS task finds its address (<c>Plexus:Ecs</c>).</summary>
    public EcsOptions Ecs { get; set; } = new();

    /// <summary>Gets whether <see cref="Profile"/> is <paramref name="profile"/> (the case does not matter).</summary>
    public bool Is(string profile) => Profiles.Is(Profile, profile);

    /// <summary>Gets the full path of <see cref="DataDir"/>.</summary>
    public string DataDirFullPath => Path.GetFullPath(DataDir);
}

/// <summary>How a silo running as an ECS task finds what to announce; bound from <c>Plexus:Ecs</c>.</summary>
public sealed class EcsOptions
{
    /// <summary>
    /// Gets or sets the EC2 instance metadata service a silo in ECS bridge or host network mode asks for the instance's
    /// private address (unless <c>Plexus:AdvertisedIp</c> gives it). Default is <c>http://169.254.169.254</c>.
    /// </summary>
    public string InstanceMetadataUrl { get; set; } = "http://169.254.169.254";
}
