namespace Plexus.Dashboard.Host;

/// <summary>Where the standalone dashboard listens; bound from the <c>Plexus</c> section (the client's settings are there too).</summary>
public sealed class DashboardHostOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Plexus";

    /// <summary>
    /// Gets or sets the HTTP port (<c>Plexus:HttpPort</c>, <c>--http-port</c>; 0: any free port). Default is 8080. On
    /// loopback only in the Local profile, on every address in the Aws profile.
    /// </summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>Gets or sets the profile: Local (a gateway on this machine) or Aws (the DynamoDB membership table). Default is Local.</summary>
    public string Profile { get; set; } = Profiles.Local;

    /// <summary>The command-line flags and the keys they set.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--http-port"] = "Plexus:HttpPort",
        ["--profile"] = "Plexus:Profile",
        ["--gateway"] = "Plexus:Gateway",
        ["--cluster-id"] = "Plexus:ClusterId",
        ["--loglevel"] = "Logging:LogLevel:Default",
    };

    /// <summary>What <c>plexus-dashboard --help</c> prints.</summary>
    public const string Usage = """
        plexus-dashboard: the Plexus dashboard (HTTP API, live event streams, web page) as an Orleans client of a cluster.

        Usage: plexus-dashboard [--http-port N] [--profile Local|Aws] [--gateway host:port] [--cluster-id ID] [--loglevel LEVEL]

          --http-port   Plexus:HttpPort    HTTP port (default 8080; 0: any free port). Loopback only in the Local profile.
          --profile     Plexus:Profile     Local (one gateway, --gateway) or Aws (the DynamoDB membership table, Plexus:Aws:*).
          --gateway     Plexus:Gateway     The gateway of the Local profile (default 127.0.0.1:30000).
          --cluster-id  Plexus:ClusterId   The cluster to join (default plexus).

        Keys: Plexus:ApiKey is the dashboard's own service key, with which it calls the cluster for the people it
        authenticates by the keys of Plexus:Auth:Keys:<name>:Key|KeyHash|Role (the cluster's). The Aws profile requires keys.
        Every setting is also an environment variable: Plexus__HttpPort, Plexus__ApiKey, PLEXUS_PROFILE.
        """;
}
