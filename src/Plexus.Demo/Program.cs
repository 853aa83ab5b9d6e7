// The `demo` command: a stand-in for a long evaluation that needs nothing but the .NET runtime.
// It walks three stages (Setup, Processing, Analysis) and follows Click's conventions:
// --help exits 0, a usage error exits 2 with the message on stderr, a failure exits 1.
// Progress goes out as `::plexus` protocol lines (docs/progress.md), which the cluster parses; they read well
// enough for a person too, so they replace the per-step human lines.
using System.Globalization;

const string Usage = """
    Usage: demo [OPTIONS]

      Simulates a long operation in three stages: Setup, Processing, Analysis.

    Options:
      --items INTEGER  Number of items to process (default: 2000).
      --fail           Fail part-way through Processing (exit code 1).
      --allocate-mb N  Hold N MiB of memory (every page written) for the whole run.
      --spin-seconds S Before the stages, keep one core busy until the process
                       has used S seconds of CPU time.
      --help           Show this message and exit.
    """;

var items = 2000;
var fail = false;
var allocateMiB = 0;
var spinSeconds = 0.0;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--help":
            Console.WriteLine(Usage);
            return 0;
        case "--fail":
            fail = true;
            break;
        case "--items" when i + 1 < args.Length:
            if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out items) || items < 1)
            {
                return UsageError($"Invalid value for '--items': '{args[i]}' is not a positive integer.");
            }
            break;
        case "--items":
            return UsageError("Option '--items' requires an argument.");
        case "--allocate-mb" when i + 1 < args.Length:
            if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out allocateMiB) || allocateMiB < 1)
            {
                return UsageError($"Invalid value for '--allocate-mb': '{args[i]}' is not a positive integer.");
            }
            break;
        case "--spin-seconds" when i + 1 < args.Length:
            if (!double.TryParse(args[++i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out spinSeconds) || spinSeconds <= 0)
            {
                return UsageError($"Invalid value for '--spin-seconds': '{args[i]}' is not a positive number.");
            }
            break;
        case "--allocate-mb" or "--spin-seconds":
            return UsageError($"Option '{args[i]}' requires an argument.");
        default:
            return UsageError(args[i].StartsWith('-') ? $"No such option: {args[i]}" : $"Got unexpected extra argument ({args[i]})");
    }
}

// Stand-ins for a model that needs memory or a computation that needs CPU, to try resource figures and limits.
var held = new byte[allocateMiB][];
for (var mib = 0; mib < allocateMiB; mib++)
{
    held[mib] = new byte[1024 * 1024];

    // Untouched pages are not resident: write one byte of each.
    for (var page = 0; page < held[mib].Length; page += 4096)
    {
        held[mib][page] = 1;
    }
}

if (allocateMiB > 0)
{
    Console.WriteLine($"Holding {allocateMiB} MiB");
}

var spun = 0L;
while (Environment.CpuUsage.TotalTime.TotalSeconds < spinSeconds)
{
    spun++;
}

if (spinSeconds > 0)
{
    Console.WriteLine($"Spun {spun} times");
}

Console.WriteLine("Stage Setup: preparing the run");
Console.WriteLine("::plexus stage=Setup message=\"preparing the run\"");
Thread.Sleep(200);
Console.WriteLine("Stage Setup: done");

Console.WriteLine($"Stage Processing: {items} items");
Console.WriteLine($"::plexus stage=Processing processed=0 total={items}");
var step = Math.Max(1, items / 20);
var failAt = items / 2;
for (var done = 1; done <= items; done++)
{
    // About 1 ms per item: long enough to watch, short enough for tests.
    if (done % 10 == 0)
    {
        Thread.Sleep(10);
    }

    if (fail && done == failAt)
    {
        Console.Out.Flush();
        Console.Error.WriteLine($"Error: processing failed at item {done} of {items} (requested with --fail).");
        return 1;
    }

    // Every 5% of the items: enough for a smooth percentage and ETA, few enough lines for a long run.
    if (done % step == 0 || done == items)
    {
        Console.WriteLine($"::plexus stage=Processing processed={done} total={items}");
    }
}

Console.WriteLine("Stage Analysis: summarising results");
Console.WriteLine("::plexus stage=Analysis message=\"summarising results\"");
Thread.Sleep(200);
Console.WriteLine($"Done: processed {items} items.");
GC.KeepAlive(held);
return 0;

static int UsageError(string message)
{
    Console.Error.WriteLine("Usage: demo [OPTIONS]");
    Console.Error.WriteLine("Try 'demo --help' for help.");
    Console.Error.WriteLine();
    Console.Error.WriteLine($"Error: {message}");
    return 2;
}
