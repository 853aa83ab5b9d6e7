using System.Diagnostics;
using CliWrap;

namespace Plexus.Bench;

/// <summary>
/// The physical limit: the same processes spawned straight from this program, with no queue, no grain and no store.
/// Each spawn redirects stdin, stdout and stderr like the silo's runner does, so the two do the same process work.
/// </summary>
public static class DirectSpawn
{
    /// <summary>Spawns <paramref name="count"/> processes with <paramref name="parallel"/> spawners; returns the elapsed time.</summary>
    public static async Task<TimeSpan> ParallelAsync(string executable, string[] arguments, int count, int parallel)
    {
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = parallel },
            async (_, _) => await SpawnAsync(executable, arguments).ConfigureAwait(false)).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Spawns one process after another; returns each one's time from start to exit and end of output.</summary>
    public static async Task<List<double>> SequentialAsync(string executable, string[] arguments, int count)
    {
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await SpawnAsync(executable, arguments).ConfigureAwait(false);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return times;
    }

    /// <summary>Spawns <paramref name="count"/> times <c>true</c> through <c>xargs -P</c>; returns the elapsed time.</summary>
    public static async Task<TimeSpan> XargsAsync(string executable, int count, int parallel)
    {
        var started = Stopwatch.GetTimestamp();
        var numbers = string.Join('\n', Enumerable.Range(0, count)) + "\n";

        // -n1: one process per input line (`true 17` ignores its argument).
        await Cli.Wrap("xargs").WithArguments(["-P", parallel.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n1", executable])
            .WithStandardInputPipe(PipeSource.FromString(numbers))
            .ExecuteAsync().ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Finds <paramref name="name"/> on PATH.</summary>
    public static string Locate(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"'{name}' is not on PATH.");

    private static async Task SpawnAsync(string executable, string[] arguments)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{executable} did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
    }
}
