namespace Plexus.Silo.Hosting;

/// <summary>Where and how this silo runs; bound from the <c>Plexus</c> configuration section.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Plexus";

    /// <summary>The profile that needs no external service.</summary>
    public const string LocalProfile = "Local";

    /// <summary>
    /// Gets or sets the deployment profile: <c>Local</c> (one silo, state on local disk, in-memory streams).
    /// Default is <c>Local</c>.
    /// </summary>
    public string Profile { get; set; } = LocalProfile;

    /// <summary>Gets or sets the folder durable state is kept in (<c>--data-dir</c>). Default is <c>plexus-data</c> under the working directory.</summary>
    public string DataDir { get; set; } = "plexus-data";

    /// <summary>Gets or sets the port silos talk to each other on (<c>--silo-port</c>). Default is 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Gets or sets the port clients connect to (<c>--gateway-port</c>). Default is 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Gets the full path of <see cref="DataDir"/>.</summary>
    public string DataDirFullPath => Path.GetFullPath(DataDir);
}
