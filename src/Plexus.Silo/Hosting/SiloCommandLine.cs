namespace Plexus.Silo.Hosting;

/// <summary>The silo's flags: each one is a short name for a configuration key.</summary>
public static class SiloCommandLine
{
    /// <summary>The flag that lists the queues a silo serves: <c>--queues default=4,gpu=1</c>.</summary>
    public const string QueuesFlag = "--queues";

    /// <summary>Maps each flag to the configuration key it sets (<see cref="QueuesFlag"/> sets one key per entry).</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--data-dir"] = "Plexus:DataDir",
        ["--silo-port"] = "Plexus:SiloPort",
        ["--gateway-port"] = "Plexus:GatewayPort",
        ["--http-port"] = "Plexus:HttpPort",
        ["--concurrency"] = "Plexus:Concurrency",
        [QueuesFlag] = "Plexus:Queues",
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
          --http-port <port>      Plexus:HttpPort      health, metrics and the dashboard over HTTP; 0: any free port (default: 8080)
          --concurrency <n>       Plexus:Concurrency   commands run at once when --queues is not given (default: number of cores)
          --queues <q=n,...>      Plexus:Queues:<q>    queues served, each with its concurrency, e.g. default=4,gpu=1,eval/*=2,*=1
                                                       (exact name > longest prefix/* > *; default: default=<concurrency>)
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

    /// <summary>
    /// Takes the <see cref="QueuesFlag"/> entries out of <paramref name="args"/> as configuration keys
    /// (<c>Plexus:Queues:gpu</c> = <c>1</c>); returns the other arguments, or an error message for an entry that is not
    /// <c>name=n</c>.
    /// </summary>
    public static (string[] Others, IReadOnlyList<KeyValuePair<string, string?>> Queues, string? Error) TakeQueues(IReadOnlyList<string> args)
    {
        var rest = new List<string>();
        var queues = new List<KeyValuePair<string, string?>>();
        for (var i = 0; i < args.Count; i++)
        {
            string? value = null;
            if (args[i] == QueuesFlag && i + 1 < args.Count)
            {
                value = args[++i];
            }
            else if (args[i].StartsWith(QueuesFlag + "=", StringComparison.Ordinal))
            {
                value = args[i][(QueuesFlag.Length + 1)..];
            }
            else
            {
                rest.Add(args[i]);
                continue;
            }

            foreach (var entry in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = entry.Split('=', 2);
                if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], out _))
                {
                    return ([], [], $"plexus-silo: {QueuesFlag} takes queue=concurrency entries separated by commas, e.g. default=4,gpu=1; '{entry}' is not one. See --help.");
                }

                queues.Add(new($"Plexus:Queues:{parts[0]}", parts[1]));
            }
        }

        return ([.. rest], queues, null);
    }

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
