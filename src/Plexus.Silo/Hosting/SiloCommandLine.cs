namespace Plexus.Silo.Hosting;

/// <summary>The silo's flags: each one is a short name for a configuration key.</summary>
public static class SiloCommandLine
{
    /// <summary>Maps each flag to the configuration key it sets.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--data-dir"] = "Plexus:DataDir",
        ["--silo-port"] = "Plexus:SiloPort",
        ["--gateway-port"] = "Plexus:GatewayPort",
        ["--http-port"] = "Plexus:HttpPort",
        ["--concurrency"] = "Plexus:Concurrency",
        ["--profile"] = "Plexus:Profile",
        ["--loglevel"] = "Logging:LogLevel:Default",
    };

    /// <summary>The text <c>--help</c> prints.</summary>
    public const string Usage = """
        Usage: plexus-silo [options]

        Runs a Plexus silo: it keeps actions and runs their commands.

        Options (each one sets the configuration key beside it; environment variables use __, e.g. Plexus__GatewayPort):
          --data-dir <path>       Plexus:DataDir       folder for durable state (default: ./plexus-data)
          --silo-port <port>      Plexus:SiloPort      silo-to-silo port (default: 11111)
          --gateway-port <port>   Plexus:GatewayPort   port clients connect to (default: 30000)
          --http-port <port>      Plexus:HttpPort      health and metrics over HTTP; 0: any free port (default: 8080)
          --concurrency <n>       Plexus:Concurrency   commands run at once (default: number of cores)
          --profile <name>        Plexus:Profile       Local or Aws (env PLEXUS_PROFILE; default: Local)
          --loglevel <level>      Logging:LogLevel:Default   Trace, Debug, Information, Warning, Error
          --<Section>:<Key> <v>   any other configuration key, e.g. --Plexus:Commands:hello:Executable echo

        API keys: Plexus:Auth:Keys:<name>:Key (or :KeyHash, a SHA-256 hex) and :Role (viewer, operator, admin, service);
        without any, loopback callers are the local admin (the Aws profile refuses to start). TLS: Plexus:Tls:Certificate,
        :Key, :Authority. See docs/security.md.
          --help                  show this text

        Limits of one catalog entry's runs (its whole process tree; past one the tree is killed, the attempt Failed):
          Plexus:Commands:<name>:Limits:MaxMemory    resident memory at one time, e.g. 256MiB, 2GiB
          Plexus:Commands:<name>:Limits:MaxCpuTime   CPU time, user + system, e.g. 00:10:00
        Commands left running by a silo killed on the same data folder are killed when it starts again
        (records under <data-dir>/running).
        """;

    /// <summary>Returns an error message for the first flag that is neither known nor a configuration key, else null.</summary>
    public static string? FindUnknownFlag(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                continue;
            }

            var flag = arg.Split('=', 2)[0];
            if (!SwitchMappings.ContainsKey(flag) && !flag.Contains(':', StringComparison.Ordinal))
            {
                return $"plexus-silo: unknown option '{flag}'. Known: {string.Join(", ", SwitchMappings.Keys)}, or a configuration key like --Plexus:Concurrency. See --help.";
            }

            if (!arg.Contains('=', StringComparison.Ordinal))
            {
                if (i + 1 == args.Count)
                {
                    return $"plexus-silo: option '{flag}' needs a value. See --help.";
                }

                i++;
            }
        }

        return null;
    }
}
