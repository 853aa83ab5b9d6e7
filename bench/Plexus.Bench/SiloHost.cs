using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CliWrap;
using Microsoft.Data.Sqlite;

namespace Plexus.Bench;

/// <summary>
/// A real <c>plexus-silo</c> process on free loopback ports with a temporary data folder of its own; disposing it
/// stops the silo with SIGTERM (a kill after a deadline) and deletes the folder.
/// </summary>
public sealed class SiloHost : IAsyncDisposable
{
    private const string ReadyLine = "Plexus silo ready";

    // USER_HZ: 100 on every Linux architecture .NET runs on.
    private const int ClockTicksPerSecond = 100;
    private const string DatabaseFile = "plexus.db";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly string _root;
    private readonly CancellationTokenSource _kill = new();
    private readonly List<string> _tail = [];
    private CommandTask<CommandResult>? _process;

    private SiloHost(string root)
    {
        _root = root;
        DataDir = Path.Combine(root, "data");
        GatewayPort = FreePort();
        SiloPort = FreePort();
        while (SiloPort == GatewayPort)
        {
            SiloPort = FreePort();
        }
    }

    public string DataDir { get; }

    public int GatewayPort { get; }

    public int SiloPort { get; }

    public IPEndPoint Gateway => new(IPAddress.Loopback, GatewayPort);

    public int ProcessId => _process?.ProcessId ?? throw new InvalidOperationException("The silo is not running.");

    public string DatabasePath => Path.Combine(DataDir, DatabaseFile);

    /// <summary>Starts a silo and returns once it says it is ready.</summary>
    public static async Task<SiloHost> StartAsync(BenchOptions options)
    {
        var silo = new SiloHost(Directory.CreateTempSubdirectory("plexus-bench-").FullName);
        try
        {
            await silo.StartProcessAsync(options).ConfigureAwait(false);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads the silo's resident and peak resident memory from /proc, in bytes.</summary>
    public (long Rss, long PeakRss) ReadMemory()
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{ProcessId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        return (rss, peak);

        static long Kilobytes(string line) =>
            long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Reads the CPU time (user + system) the silo process has used so far.</summary>
    public TimeSpan ReadCpu()
    {
        var text = File.ReadAllText($"/proc/{ProcessId}/stat");

        // Fields 14 and 15 (utime, stime) in clock ticks, counted after the ')' that ends the command name.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>Counts the stored rows and their bytes, reading the database without taking part in the silo's writes.</summary>
    public async Task<StoreStats> ReadStoreAsync()
    {
        // Unpooled, so no handle outlives the call. A passive checkpoint first (it never blocks the silo's writers)
        // moves what the write-ahead log holds into the database file, so the file's size reflects the rows.
        var connectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using (var checkpoint = connection.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA wal_checkpoint(PASSIVE);";
            await checkpoint.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(LENGTH(data)), 0) FROM grain_state";
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        var rows = reader.GetInt64(0);
        var payload = reader.GetInt64(1);
        var wal = new FileInfo(DatabasePath + "-wal");
        return new StoreStats(rows, new FileInfo(DatabasePath).Length, wal.Exists ? wal.Length : 0, payload);
    }

    /// <summary>The last lines the silo printed, for error messages.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            try
            {
                await Cli.Wrap("kill").WithArguments(["-TERM", process.ProcessId.ToString(CultureInfo.InvariantCulture)])
                    .WithValidation(CommandResultValidation.None).ExecuteAsync().ConfigureAwait(false);
                await process.Task.WaitAsync(StopTimeout).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                await _kill.CancelAsync().ConfigureAwait(false);
            }

            try
            {
                await process.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _kill.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is not worth failing a run for.
        }
    }

    private async Task StartProcessAsync(BenchOptions options)
    {
        if (!File.Exists(options.SiloPath))
        {
            throw new FileNotFoundException($"{options.SiloPath} is missing: build bench/Plexus.Bench, which copies plexus-silo beside itself, or pass --silo.");
        }

        string[] arguments =
        [
            "--data-dir", DataDir,
            "--silo-port", SiloPort.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", GatewayPort.ToString(CultureInfo.InvariantCulture),
            "--http-port", "0",
            "--concurrency", options.Concurrency.ToString(CultureInfo.InvariantCulture),
            .. options.IsLocalProfile ? [] : (string[])["--profile", Capitalize(options.Profile)],
            .. options.SiloArguments,
        ];
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Cli.Wrap(options.SiloPath)
            .WithArguments(arguments)
            .WithWorkingDirectory(_root)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                Remember(line);
                if (line.StartsWith(ReadyLine, StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            }))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => Remember("stderr: " + line)))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(_kill.Token);

        var first = await Task.WhenAny(ready.Task, _process.Task, Task.Delay(StartTimeout)).ConfigureAwait(false);
        if (first != ready.Task)
        {
            var why = first == _process.Task
                ? $"exited with code {_process.Task.Result.ExitCode} before it was ready"
                : $"did not say it was ready within {StartTimeout.TotalSeconds} s";
            throw new InvalidOperationException($"plexus-silo {why}. Its output:\n{Tail()}");
        }
    }

    private void Remember(string line)
    {
        lock (_tail)
        {
            _tail.Add(line);
            if (_tail.Count > 40)
            {
                _tail.RemoveAt(0);
            }
        }
    }

    private static string Capitalize(string profile) =>
        profile.Length == 0 ? profile : char.ToUpperInvariant(profile[0]) + profile[1..].ToLowerInvariant();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What the SQLite store holds: rows, file sizes and the serialized state bytes.</summary>
public sealed record StoreStats(long Rows, long DatabaseBytes, long WalBytes, long PayloadBytes);
