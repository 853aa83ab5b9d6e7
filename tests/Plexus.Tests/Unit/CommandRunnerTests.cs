using System.Globalization;
using System.Runtime.Versioning;
using Plexus.Commands;
using Plexus.Execution;
using Plexus.Tests.Unit.Support;
using Xunit;

namespace Plexus.Tests.Unit;

/// <summary>Runs real processes (Linux: /bin/sh, cat, true, false).</summary>
[Trait(Category.Name, Category.Unit)]
[SupportedOSPlatform("linux")]
public sealed class CommandRunnerTests : IDisposable
{
    // Generous: a run that takes this long is hung, and the test must fail rather than hang.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    private readonly string _tempDir = Directory.CreateTempSubdirectory("plexus-runner-").FullName;

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    private static CommandRunner Runner(int maxOutputBytes = ExecutionOptions.DefaultMaxOutputBytes) =>
        new(new TestOptionsMonitor<ExecutionOptions>(new ExecutionOptions { MaxOutputBytes = maxOutputBytes }));

    private static ProcessSpec Spec(string executable, params string[] arguments) =>
        new(executable, arguments, null, new Dictionary<string, string>());

    private static Task<ProcessOutcome> RunAsync(ProcessSpec spec, int maxOutputBytes = ExecutionOptions.DefaultMaxOutputBytes) =>
        Runner(maxOutputBytes).RunAsync(spec, new RunControl()).WaitAsync(HangLimit);

    [Fact]
    public async Task RunAsync_StdoutAndStderr_AreCapturedSeparately()
    {
        var outcome = await RunAsync(Spec("/bin/sh", "-c", "echo to-out; echo to-err >&2; echo more-out"));

        Assert.Null(outcome.StartError);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("to-out\nmore-out\n", outcome.Stdout.ToString());
        Assert.Equal("to-err\n", outcome.Stderr.ToString());
        Assert.False(outcome.Stopped);
    }

    [Fact]
    public async Task RunAsync_BareNameShippedBesideTheApp_RunsThatProgram()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "plexus-demo")), $"precondition: the build copies plexus-demo to {AppContext.BaseDirectory}");
        Assert.DoesNotContain(
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'),
            directory => directory.Length > 0 && File.Exists(Path.Combine(directory, "plexus-demo")));

        var outcome = await RunAsync(Spec("plexus-demo", "--help"));

        Assert.Null(outcome.StartError);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("Usage: demo [OPTIONS]", outcome.Stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Arguments_ArePassedWithoutAShell()
    {
        var outcome = await RunAsync(Spec("/bin/sh", "-c", "printf '%s|' \"$@\"", "sh", "a b", "$HOME", "*", ""));

        Assert.Equal("a b|$HOME|*||", outcome.Stdout.ToString());
    }

    [Theory]
    [InlineData("true", 0)]
    [InlineData("false", 1)]
    public async Task RunAsync_BareProgramOnPath_PassesItsExitCodeThrough(string program, int exitCode)
    {
        var outcome = await RunAsync(Spec(program));

        Assert.Null(outcome.StartError);
        Assert.Equal(exitCode, outcome.ExitCode);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(255)]
    public async Task RunAsync_NonZeroExit_PassesTheExitCodeThrough(int exitCode)
    {
        var outcome = await RunAsync(Spec("/bin/sh", "-c", $"exit {exitCode}"));

        Assert.Null(outcome.StartError);
        Assert.Equal(exitCode, outcome.ExitCode);
    }

    [Fact]
    public async Task RunAsync_CommandReadingStdin_SeesEndOfFileAtOnce()
    {
        var outcome = await RunAsync(Spec("cat"));

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("", outcome.Stdout.ToString());
    }

    [Fact]
    public async Task RunAsync_ShellReadingStdin_SeesEndOfFileAtOnce()
    {
        var outcome = await RunAsync(Spec("/bin/sh", "-c", "if read line; then echo got-line; else echo eof; fi"));

        Assert.Equal("eof\n", outcome.Stdout.ToString());
    }

    [Fact]
    public async Task RunAsync_LargeOutputOnBothStreams_CompletesAndKeepsHeadAndTail()
    {
        const int cap = 64 * 1024;
        const int filler = 20_000_000;
        var script = $"echo start; head -c {filler} /dev/zero | tr '\\0' a; echo end; " +
                     $"head -c {filler} /dev/zero | tr '\\0' e >&2; echo done >&2";

        var outcome = await RunAsync(Spec("/bin/sh", "-c", script), cap);

        Assert.Null(outcome.StartError);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("start\n".Length + filler + "end\n".Length, outcome.Stdout.TotalBytes);
        Assert.Equal(outcome.Stdout.TotalBytes - cap, outcome.Stdout.DroppedBytes);
        var stdout = outcome.Stdout.ToString();
        Assert.StartsWith("start\naaa", stdout, StringComparison.Ordinal);
        Assert.EndsWith("aaaend\n", stdout, StringComparison.Ordinal);
        Assert.Contains($"{outcome.Stdout.DroppedBytes} bytes dropped", stdout, StringComparison.Ordinal);
        Assert.Equal(filler + "done\n".Length - cap, outcome.Stderr.DroppedBytes);
        Assert.EndsWith("eeedone\n", outcome.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingExecutablePath_ReturnsStartErrorSayingNotFound()
    {
        var missing = Path.Combine(_tempDir, "no-such-program");

        var outcome = await RunAsync(Spec(missing));

        Assert.Null(outcome.ExitCode);
        Assert.NotNull(outcome.StartError);
        Assert.Contains("not found", outcome.StartError, StringComparison.Ordinal);
        Assert.Contains(missing, outcome.StartError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BareNameNotOnPath_ReturnsStartErrorSayingNotFound()
    {
        var outcome = await RunAsync(Spec("plexus-no-such-program-on-path"));

        Assert.Null(outcome.ExitCode);
        Assert.NotNull(outcome.StartError);
        Assert.Contains("not found", outcome.StartError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FileWithoutExecuteBit_ReturnsStartErrorSayingPermissionDenied()
    {
        var script = Path.Combine(_tempDir, "not-executable.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho should-not-run\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var outcome = await RunAsync(Spec(script));

        Assert.Null(outcome.ExitCode);
        Assert.NotNull(outcome.StartError);
        Assert.Contains("permission denied", outcome.StartError, StringComparison.Ordinal);
        Assert.Equal("", outcome.Stdout.ToString());
    }

    [Fact]
    public async Task RunAsync_CommandNotFoundInsideAShell_IsAnExitCodeNotAStartError()
    {
        var outcome = await RunAsync(Spec("/bin/sh", "-c", "plexus-no-such-program-on-path"));

        Assert.Null(outcome.StartError);
        Assert.Equal(127, outcome.ExitCode);
    }

    [Fact]
    public async Task RunAsync_Directory_ReturnsStartErrorSayingItIsADirectory()
    {
        var outcome = await RunAsync(Spec(_tempDir));

        Assert.Null(outcome.ExitCode);
        Assert.NotNull(outcome.StartError);
        Assert.Contains("is a directory", outcome.StartError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ScriptWithMissingInterpreter_ReturnsStartErrorNamingTheInterpreter()
    {
        var script = Path.Combine(_tempDir, "bad-interpreter.sh");
        await File.WriteAllTextAsync(script, "#!/plexus/no-such-interpreter\necho should-not-run\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var outcome = await RunAsync(Spec(script));

        Assert.Null(outcome.ExitCode);
        Assert.NotNull(outcome.StartError);
        Assert.Contains("interpreter", outcome.StartError, StringComparison.Ordinal);
        Assert.Contains(script, outcome.StartError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingWorkingDirectory_ReturnsStartErrorNamingTheDirectory()
    {
        var missingDir = Path.Combine(_tempDir, "no-such-dir");
        var spec = Spec("/bin/sh", "-c", "pwd") with { WorkingDirectory = missingDir };

        var outcome = await RunAsync(spec);

        Assert.Null(outcome.ExitCode);
        Assert.NotNull(outcome.StartError);
        Assert.Contains($"working directory '{missingDir}' does not exist", outcome.StartError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WorkingDirectory_IsWhereTheProcessRuns()
    {
        var spec = Spec("/bin/sh", "-c", "pwd -P") with { WorkingDirectory = _tempDir };

        var outcome = await RunAsync(spec);

        var expected = new DirectoryInfo(_tempDir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? _tempDir;
        Assert.Equal(expected + "\n", outcome.Stdout.ToString());
    }

    [Fact]
    public async Task RunAsync_Environment_ReachesTheChildOnTopOfTheMinimalOne()
    {
        var spec = Spec("/bin/sh", "-c", "echo \"$FOO|$PLEXUS_EMPTY|${PATH:+path-inherited}\"") with
        {
            Environment = new Dictionary<string, string> { ["FOO"] = "bar baz", ["PLEXUS_EMPTY"] = "" },
        };

        var outcome = await RunAsync(spec);

        Assert.Equal("bar baz||path-inherited\n", outcome.Stdout.ToString());
    }

    [Fact]
    public void CommandEnvironment_SiloSecretsAndPassThrough_KeepsOnlyTheMinimalTheListedAndTheEntrys()
    {
        var silo = new Dictionary<string, string>
        {
            ["PATH"] = "/opt/bin:/usr/bin",
            ["HOME"] = "/home/silo",
            ["LC_TIME"] = "C",
            ["AWS_SECRET_ACCESS_KEY"] = "fake-secret",
            ["Plexus__Auth__Keys__ada__Key"] = "fake-api-key",
            ["CUDA_VISIBLE_DEVICES"] = "0",
        };
        var spec = Spec("/bin/true") with { Environment = new Dictionary<string, string> { ["MODEL"] = "m1" }, PassThrough = ["CUDA_VISIBLE_DEVICES", "NOT_SET"] };

        var environment = CommandEnvironment.For(spec, silo);

        Assert.Equal(
            new Dictionary<string, string> { ["PATH"] = "/opt/bin:/usr/bin", ["HOME"] = "/home/silo", ["LC_TIME"] = "C", ["CUDA_VISIBLE_DEVICES"] = "0", ["MODEL"] = "m1" },
            environment);
    }
    [Fact]
    public async Task RunAsync_Child_StartsWithNoSignalIgnoredOrBlocked()
    {
        // The silo ignores SIGPIPE and blocks signals on some threads; a command must not inherit either.
        var outcome = await RunAsync(Spec("/bin/cat", "/proc/self/status"));

        var status = outcome.Stdout.ToString().Split('\n')
            .Select(l => l.Split(":\t"))
            .Where(f => f is ["SigIgn" or "SigBlk", _])
            .ToDictionary(f => f[0], f => ulong.Parse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));

        // Bit n - 1 stands for signal n. The standard signals are 1-31; glibc keeps 32 and 33 for itself.
        const ulong standardSignals = 0x7FFF_FFFF;
        Assert.Equal(0UL, status["SigIgn"] & standardSignals);
        Assert.Equal(0UL, status["SigBlk"]);
    }

    [Fact]
    public async Task RunAsync_ScriptWithoutInterpreterLine_ReturnsStartErrorSayingSo()
    {
        var script = Path.Combine(_tempDir, "no-shebang.sh");
        await File.WriteAllTextAsync(script, "echo should-not-run\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var outcome = await RunAsync(Spec(script));

        Assert.Null(outcome.ExitCode);
        Assert.Contains("neither a program nor a script starting with a #! line", outcome.StartError, StringComparison.Ordinal);
        Assert.Equal("", outcome.Stdout.ToString());
    }

    [Fact]
    public async Task RunAsync_ManyAtOnce_EachGetsItsOwnExitCodeAndOutput()
    {
        // Children that exit together may share one SIGCHLD: every one must still be reaped with its own status.
        var runs = Enumerable.Range(0, 64)
            .Select(i => RunAsync(Spec("/bin/sh", "-c", $"echo {i}; exit {i}")))
            .ToArray();

        var outcomes = await Task.WhenAll(runs);

        for (var i = 0; i < outcomes.Length; i++)
        {
            Assert.Equal(i, outcomes[i].ExitCode);
            Assert.Equal($"{i}\n", outcomes[i].Stdout.ToString());
        }
    }
}
