using System.Globalization;

namespace Plexus.Bench;

/// <summary>What one benchmark run measures and how big each part is.</summary>
public sealed record BenchOptions
{
    /// <summary>The scenarios, in the order they run.</summary>
    public static readonly string[] AllScenarios = ["spawn", "throughput", "latency", "memory", "scaling"];

    /// <summary>The text <c>--help</c> prints.</summary>
    public const string Usage = """
        Usage: plexus-bench [options]

        Measures a real plexus-silo (embedded default profile: SQLite state, local queue streams) against spawning the
        same processes directly, in one run, and writes bench-report.json and bench-report.md.

          --quick                 smoke run: a few dozen actions per scenario (seconds, numbers not meaningful)
          --only <a,b>            scenarios to run: spawn, throughput, latency, memory, scaling (default: all)
          --count <n>             throughput: actions of `true` (default 2000)
          --concurrency <n>       silo --concurrency and direct spawners (default 4)
          --rounds <n>            latency: sequential dispatch-and-wait round trips (default 200)
          --watch-rounds <n>      latency: round trips that follow the action live, as `plexus-client dispatch` does (default 50)
          --queued <n>            memory: actions held queued behind busy workers (default 10000)
          --scale <a,b,c>         scaling: store sizes to measure at (default 1000,10000,100000)
          --probe <n>             scaling: timed actions at each store size (default 1000)
          --in-flight <n>         actions the bench keeps dispatched and unfinished at once (default 256)
          --profile <name>        silo profile (default Local). `aws` runs it as --profile Aws with the AWS
                                  settings of the environment; only spawn and throughput run
          --silo-arg <arg>        one more argument for plexus-silo (repeatable), e.g. --silo-arg --loglevel --silo-arg Warning
          --silo <path>           the plexus-silo to run (default: the one beside this program)
          --out <dir>             where the reports go (default: ./bench-results)
          --peers <dir>           after the scenarios, run the peers' baselines <dir>/hangfire/run.sh and
                                  <dir>/celery/run.sh (on copies) and report their ratios next to ours
          --no-peers              run no peer baseline (the default unless --peers is given)
          --help                  show this text
        """;

    public bool Quick { get; init; }

    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string>(AllScenarios, StringComparer.Ordinal);

    public int Count { get; init; } = 2000;

    public int Concurrency { get; init; } = 4;

    public int LatencyRounds { get; init; } = 200;

    public int WatchRounds { get; init; } = 50;

    public int Queued { get; init; } = 10_000;

    public IReadOnlyList<int> ScalePoints { get; init; } = [1000, 10_000, 100_000];

    public int Probe { get; init; } = 1000;

    public int InFlight { get; init; } = 256;

    public string Profile { get; init; } = "Local";

    public IReadOnlyList<string> SiloArguments { get; init; } = [];

    public string SiloPath { get; init; } = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "plexus-silo.exe" : "plexus-silo");

    public string OutputDirectory { get; init; } = "bench-results";

    public bool Help { get; init; }

    /// <summary>Gets the folder of the peers' baseline scripts, run after the scenarios; null runs none.</summary>
    public string? PeersDirectory { get; init; }

    /// <summary>Whether the profile keeps state in the local SQLite file, which the memory and scaling scenarios read.</summary>
    public bool IsLocalProfile => string.Equals(Profile, "Local", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the command line; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        if (args.Contains("--quick"))
        {
            // Enough of everything to run every code path and produce every number, in seconds.
            options = options with { Quick = true, Count = 20, LatencyRounds = 10, WatchRounds = 2, Queued = 50, ScalePoints = [30, 60], Probe = 10 };
        }

        var siloArguments = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{flag} needs a value.");
            options = flag switch
            {
                "--quick" => options,
                "--help" or "-h" => options with { Help = true },
                "--only" => options with { Scenarios = ParseScenarios(Value()) },
                "--count" => options with { Count = Positive(flag, Value()) },
                "--concurrency" => options with { Concurrency = Positive(flag, Value()) },
                "--rounds" => options with { LatencyRounds = Positive(flag, Value()) },
                "--watch-rounds" => options with { WatchRounds = Positive(flag, Value()) },
                "--queued" => options with { Queued = Positive(flag, Value()) },
                "--scale" => options with { ScalePoints = [.. Value().Split(',').Select(v => Positive(flag, v)).Order()] },
                "--probe" => options with { Probe = Positive(flag, Value()) },
                "--in-flight" => options with { InFlight = Positive(flag, Value()) },
                "--profile" => options with { Profile = Value() },
                "--silo" => options with { SiloPath = Path.GetFullPath(Value()) },
                "--out" => options with { OutputDirectory = Value() },
                "--peers" => options with { PeersDirectory = Path.GetFullPath(Value()) },
                "--no-peers" => options with { PeersDirectory = null },
                "--silo-arg" => AddTo(siloArguments, Value(), options),
                _ => throw new ArgumentException($"Unknown option '{flag}'. See --help."),
            };
        }

        options = options with { SiloArguments = siloArguments };
        if (!options.IsLocalProfile)
        {
            // Only throughput is defined for other profiles: memory and scaling read the local SQLite file.
            options = options with { Scenarios = new HashSet<string>(options.Scenarios.Intersect(["spawn", "throughput"]), StringComparer.Ordinal) };
        }

        return options;
    }

    private static BenchOptions AddTo(List<string> list, string value, BenchOptions options)
    {
        list.Add(value);
        return options;
    }

    private static HashSet<string> ParseScenarios(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.FirstOrDefault(n => !AllScenarios.Contains(n)) is { } unknown)
        {
            throw new ArgumentException($"Unknown scenario '{unknown}'. Known: {string.Join(", ", AllScenarios)}.");
        }

        return new HashSet<string>(names, StringComparer.Ordinal);
    }

    private static int Positive(string flag, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{flag} needs a positive whole number; got '{text}'.");
}
