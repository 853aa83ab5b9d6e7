using System.Globalization;
using System.Text;
using CliWrap;
using Microsoft.Data.Sqlite;
using Plexus.Silo.Hosting;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// A real <c>plexus-silo</c> process on free ports of 127.0.0.1 with a data folder of its own. It can be stopped and
/// started again on the same ports and folder; disposing it kills the process and deletes the folder.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    /// <summary>The start of the line the silo prints once it listens.</summary>
    public const string ReadyLine = "Plexus silo ready";

    /// <summary>The cluster secret the tests' Aws-profile silos share (that profile starts only with one).</summary>
    public const string ClusterSecret = "tests-cluster-secret-0123456789abcdef";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly string _root;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly Lock _outputLock = new();
    private readonly List<string> _output = [];
    private Running? _running;

    private readonly IReadOnlyList<string> _launcher;
    private readonly string _executable;

    private SiloProcess(IReadOnlyDictionary<string, string?>? environment, IReadOnlyList<string>? launcher, string? executable)
    {
        _environment = environment ?? new Dictionary<string, string?>();
        _launcher = launcher ?? [];
        _executable = executable ?? Binaries.Silo;
        _root = Directory.CreateTempSubdirectory("plexus-e2e-").FullName;
        DataDir = Path.Combine(_root, "data");
        (SiloPort, GatewayPort) = FreePort.NextPair();
        HttpPort = FreePort.Next();
        Client = new PlexusClient(Gateway, () => OutputTail(40));
    }

    /// <summary>Gets the silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>Gets the port clients connect to.</summary>
    public int GatewayPort { get; }

    /// <summary>Gets the port of the silo's HTTP host (health, metrics).</summary>
    public int HttpPort { get; }

    /// <summary>Gets the base address of the silo's HTTP host.</summary>
    public Uri Http => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>Gets the gateway as <c>host:port</c>.</summary>
    public string Gateway => $"127.0.0.1:{GatewayPort}";

    /// <summary>Gets the folder the silo keeps its state in.</summary>
    public string DataDir { get; }

    /// <summary>Gets the SQLite file that holds grain state.</summary>
    public string DatabasePath => Path.Combine(DataDir, LocalProfile.DatabaseFile);

    /// <summary>Gets a client pointed at this silo's gateway.</summary>
    public PlexusClient Client { get; }

    /// <summary>Gets everything the silo printed so far, over all its starts.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>
    /// Starts a silo on free ports and a new data folder, and returns once it is ready. <paramref name="environment"/>
    /// adds settings the way an operator would, e.g. <c>Plexus__LeaseDuration</c>; <paramref name="launcher"/> is a
    /// program and its arguments that start the silo (e.g. an init in a new process-id namespace);
    /// <paramref name="executable"/> is the <c>plexus-silo</c> to run, the build's by default (e.g. a published one).
    /// </summary>
    public static async Task<SiloProcess> StartNewAsync(
        IReadOnlyDictionary<string, string?>? environment = null, IReadOnlyList<string>? launcher = null, string? executable = null)
    {
        var silo = new SiloProcess(environment, launcher, executable);
        try
        {
            await silo.StartAsync();
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the process (again) on the same ports and data folder, and returns once it prints <see cref="ReadyLine"/>.</summary>
    public async Task StartAsync()
    {
        if (_running is not null)
        {
            throw new InvalidOperationException("The silo is already running.");
        }

        string[] arguments =
        [
            "--data-dir", DataDir,
            "--silo-port", SiloPort.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", GatewayPort.ToString(CultureInfo.InvariantCulture),
            "--http-port", HttpPort.ToString(CultureInfo.InvariantCulture),
            "--concurrency", "2",
        ];
        string[] commandLine = [.. _launcher, _executable, .. arguments];
        Append($"=== {ProcessResult.Describe(commandLine[0], commandLine[1..])}");
        var kill = new CancellationTokenSource();
        var command = Cli.Wrap(commandLine[0]).WithArguments(commandLine[1..]).WithWorkingDirectory(_root).WithEnvironmentVariables(_environment);
        var (process, failure) = await ReadyProcess.StartAsync(command, ReadyLine, Append, StartTimeout, kill.Token);
        _running = new Running(process, kill);
        if (failure is null)
        {
            return;
        }

        await KillAsync();
        throw new InvalidOperationException($"plexus-silo {failure}. Its output:\n{Output}");
    }

    /// <summary>
    /// Stops the silo the way a service manager does, with SIGTERM, so it shuts down in order; kills it when it has not
    /// exited within a deadline. Returns its exit code.
    /// </summary>
    public async Task<int> StopAsync()
    {
        await SignalStopAsync();
        return await WaitForExitAsync(StopTimeout);
    }

    /// <summary>Sends the silo SIGTERM and returns at once, so a test can watch it drain.</summary>
    public async Task SignalStopAsync()
    {
        var running = _running ?? throw new InvalidOperationException("The silo is not running.");
        await Cli.Wrap("kill").WithArguments(["-TERM", running.Process.ProcessId.ToString(CultureInfo.InvariantCulture)]).ExecuteAsync();
        Append("=== sent SIGTERM");
    }

    /// <summary>Waits for the silo to exit after <see cref="SignalStopAsync"/>; kills it when <paramref name="timeout"/> passes first. Returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var running = _running ?? throw new InvalidOperationException("The silo is not running.");
        if (await Task.WhenAny(running.Process.Task, Task.Delay(timeout)) != running.Process.Task)
        {
            await KillAsync();
            throw new TimeoutException($"plexus-silo did not exit within {timeout.TotalSeconds} s of SIGTERM. Its output:\n{Output}");
        }

        _running = null;
        running.Kill.Dispose();
        var exitCode = running.Process.Task.Result.ExitCode;
        Append($"=== exited with code {exitCode}");
        return exitCode;
    }

    /// <summary>Kills the silo process alone with SIGKILL, as a crash would: its commands are not told anything.</summary>
    public async Task CrashAsync()
    {
        var running = _running ?? throw new InvalidOperationException("The silo is not running.");
        await Cli.Wrap("kill").WithArguments(["-KILL", running.Process.ProcessId.ToString(CultureInfo.InvariantCulture)]).ExecuteAsync();
        await Task.WhenAny(running.Process.Task, Task.Delay(StopTimeout));
        _running = null;
        running.Kill.Dispose();
        Append("=== killed with SIGKILL");
    }

    /// <summary>Counts the rows of grain state the silo stored, reading its database without taking part in writes.</summary>
    public async Task<long> CountStoredRowsAsync()
    {
        // Read-only and unpooled: the silo keeps the file in WAL mode, so a reader never blocks it, and no handle outlives the call.
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM grain_state";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Returns the last <paramref name="lines"/> lines the silo printed.</summary>
    public string OutputTail(int lines)
    {
        lock (_outputLock)
        {
            return $"plexus-silo on {Gateway}, last lines:\n" + string.Join('\n', _output.TakeLast(lines));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is not worth failing a run for.
        }
    }

    private async Task KillAsync()
    {
        if (_running is not { } running)
        {
            return;
        }

        _running = null;
        await running.Kill.CancelAsync();
        try
        {
            await running.Process;
        }
        catch (OperationCanceledException)
        {
        }

        running.Kill.Dispose();
    }

    private void Append(string line)
    {
        lock (_outputLock)
        {
            _output.Add(line);
        }
    }

    private sealed record Running(CommandTask<CommandResult> Process, CancellationTokenSource Kill);
}
