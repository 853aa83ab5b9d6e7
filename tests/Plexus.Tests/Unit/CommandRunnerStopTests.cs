using System.Diagnostics;
using System.Globalization;
using System.Text;
using Plexus.Commands;
using Plexus.Execution;
using Plexus.Tests.Unit.Support;
using Xunit;

namespace Plexus.Tests.Unit;

/// <summary>
/// Stopping, aborting and cleaning up after real process trees (Linux: /bin/sh, sleep, setsid). Every process a
/// test starts carries a marker in its environment, so the test can see each one appear and check none survives.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class CommandRunnerStopTests
{
    // Generous: a run that takes this long is hung, and the test must fail rather than hang.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    // How long a started command may take to reach the state a test waits for.
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(10);

    // Scheduling slack on top of the times the runner promises: a loaded 2-core machine stalls for seconds. Every
    // bound stays far below the 60 s the stopped commands would otherwise run, so it still tells a stop from none.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    private readonly string _marker = Guid.NewGuid().ToString("N");

    private static CommandRunner Runner() => new(new TestOptionsMonitor<ExecutionOptions>(new ExecutionOptions()));

    private ProcessSpec Spec(string executable, params string[] arguments) =>
        new(executable, arguments, null, new Dictionary<string, string> { [ProcessTable.MarkerVariable] = _marker });

    private ProcessSpec Shell(string script) => Spec("/bin/sh", "-c", script);

    private Task<List<ProcessEntry>> WaitForSleepsAsync(int count) =>
        ProcessTable.WaitForMarkedAsync(_marker, m => m.Count(p => p.Name == "sleep") == count, $"{count} sleep process(es) to run", StartLimit);

    private void AssertNothingOfTheTreeIsLeft() =>
        Assert.Empty(ProcessTable.Marked(_marker));

    private static async Task<(ProcessOutcome Outcome, TimeSpan Elapsed)> StopAsync(CancellationTokenSource stop, Task<ProcessOutcome> run)
    {
        var watch = Stopwatch.StartNew();
        await stop.CancelAsync();
        var outcome = await run.WaitAsync(HangLimit);
        return (outcome, watch.Elapsed);
    }

    [Fact]
    public async Task RunAsync_Command_LeadsASessionAndProcessGroupOfItsOwn()
    {
        var outcome = await Runner().RunAsync(Shell("cat /proc/$$/stat"), new RunControl()).WaitAsync(HangLimit);

        var pid = int.Parse(outcome.Stdout.ToString().Split(' ')[0], CultureInfo.InvariantCulture);
        var entry = ProcessTable.Read(outcome.Stdout.ToString(), pid);
        Assert.NotNull(entry);
        Assert.Equal(pid, entry.Group);
        Assert.Equal(pid, entry.Session);
        Assert.False(outcome.Stopped);
    }

    [Fact]
    public async Task RunAsync_StopWhileSleeping_EndsWithinTheGracePeriodAsStopped()
    {
        using var stop = new CancellationTokenSource();
        var control = new RunControl { Stop = stop.Token, GracePeriod = TimeSpan.FromSeconds(5) };
        var run = Runner().RunAsync(Spec("sleep", "60"), control);
        await WaitForSleepsAsync(1);

        var (outcome, elapsed) = await StopAsync(stop, run);

        Assert.True(outcome.Stopped);
        Assert.Null(outcome.StartError);
        Assert.Equal(128 + 15, outcome.ExitCode); // ended by SIGTERM
        Assert.InRange(elapsed, TimeSpan.Zero, control.GracePeriod + Slack);
        AssertNothingOfTheTreeIsLeft();
    }

    [Fact]
    public async Task RunAsync_StopShellWithBackgroundChildren_StopsTheWholeTree()
    {
        using var stop = new CancellationTokenSource();
        var control = new RunControl { Stop = stop.Token, GracePeriod = TimeSpan.FromSeconds(5) };
        var run = Runner().RunAsync(Shell("sleep 60 & sleep 60; wait"), control);
        await WaitForSleepsAsync(2);

        var (outcome, elapsed) = await StopAsync(stop, run);

        Assert.True(outcome.Stopped);
        Assert.InRange(elapsed, TimeSpan.Zero, control.GracePeriod + Slack);
        AssertNothingOfTheTreeIsLeft();
    }

    [Fact]
    public async Task RunAsync_StopTreeIgnoringSigterm_KillsItAfterTheGracePeriod()
    {
        using var stop = new CancellationTokenSource();
        var control = new RunControl { Stop = stop.Token, GracePeriod = TimeSpan.FromSeconds(1) };
        var run = Runner().RunAsync(Shell("trap '' TERM; sleep 60"), control);
        await WaitForSleepsAsync(1);

        var (outcome, elapsed) = await StopAsync(stop, run);

        Assert.True(outcome.Stopped);
        Assert.Equal(128 + 9, outcome.ExitCode); // ended by SIGKILL
        Assert.InRange(elapsed, control.GracePeriod - TimeSpan.FromMilliseconds(100), control.GracePeriod + Slack);
        AssertNothingOfTheTreeIsLeft();
    }

    [Fact]
    public async Task RunAsync_StopCommandThatCleansUpOnSigterm_ReturnsItsExitCodeAndOutput()
    {
        using var stop = new CancellationTokenSource();
        var control = new RunControl { Stop = stop.Token, GracePeriod = TimeSpan.FromSeconds(5) };
        var run = Runner().RunAsync(Shell("trap 'echo cleaning-up; exit 7' TERM; sleep 60 & wait"), control);
        await WaitForSleepsAsync(1);

        var (outcome, _) = await StopAsync(stop, run);

        Assert.True(outcome.Stopped);
        Assert.Equal(7, outcome.ExitCode);
        Assert.Equal("cleaning-up\n", outcome.Stdout.ToString());
        AssertNothingOfTheTreeIsLeft();
    }

    [Fact]
    public async Task RunAsync_StopChildThatLeftTheSession_StopsItToo()
    {
        using var stop = new CancellationTokenSource();
        var control = new RunControl { Stop = stop.Token, GracePeriod = TimeSpan.FromSeconds(5) };
        var run = Runner().RunAsync(Shell("setsid sleep 60 & wait"), control);
        var marked = await WaitForSleepsAsync(1);
        var shell = marked.Single(p => p.Name == "sh");
        Assert.NotEqual(shell.Session, marked.Single(p => p.Name == "sleep").Session);

        var (outcome, elapsed) = await StopAsync(stop, run);

        Assert.True(outcome.Stopped);
        Assert.InRange(elapsed, TimeSpan.Zero, control.GracePeriod + Slack);
        AssertNothingOfTheTreeIsLeft();
    }

    [Fact]
    public async Task RunAsync_OutputBeforeStop_IsStreamedLiveAndKeptInTheOutcome()
    {
        var live = new Dictionary<OutputStream, StringBuilder> { [OutputStream.Stdout] = new(), [OutputStream.Stderr] = new() };
        string Live(OutputStream stream)
        {
            lock (live)
            {
                return live[stream].ToString();
            }
        }

        using var stop = new CancellationTokenSource();
        var control = new RunControl
        {
            Stop = stop.Token,
            OnOutput = (stream, chunk) =>
            {
                lock (live)
                {
                    live[stream].Append(Encoding.UTF8.GetString(chunk.Span));
                }
            },
        };
        var run = Runner().RunAsync(Shell("echo ready; echo warming-up >&2; sleep 60"), control);
        await Poll.UntilAsync(
            () => Task.FromResult((Stdout: Live(OutputStream.Stdout), Stderr: Live(OutputStream.Stderr))), live => live == ("ready\n", "warming-up\n"), StartLimit,
            "both lines to arrive live");
        Assert.False(run.IsCompleted);

        var (outcome, _) = await StopAsync(stop, run);

        Assert.True(outcome.Stopped);
        Assert.Equal("ready\n", outcome.Stdout.ToString());
        Assert.Equal("warming-up\n", outcome.Stderr.ToString());
        Assert.Equal("ready\n", Live(OutputStream.Stdout));
        AssertNothingOfTheTreeIsLeft();
    }

    [Fact]
    public async Task RunAsync_OutputReceiverThrows_CapturingGoesOn()
    {
        var calls = 0;
        var control = new RunControl
        {
            OnOutput = (_, _) =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("receiver bug");
            },
        };

        var outcome = await Runner().RunAsync(Shell("echo one; sleep 0.2; echo two"), control).WaitAsync(HangLimit);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("one\ntwo\n", outcome.Stdout.ToString());
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task RunAsync_GrandchildKeepsStdoutOpen_ReturnsPromptlyAndKillsIt()
    {
        var watch = Stopwatch.StartNew();

        var outcome = await Runner().RunAsync(Shell("(sleep 60) & echo started; exit 0"), new RunControl()).WaitAsync(HangLimit);

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1) + Slack); // the drain window, then the kill
        Assert.Null(outcome.StartError);
        Assert.Equal(0, outcome.ExitCode);
        Assert.False(outcome.Stopped);
        Assert.Equal("started\n", outcome.Stdout.ToString());
        AssertNothingOfTheTreeIsLeft();
    }

    [Fact]
    public async Task RunAsync_DaemonWithOutputClosed_IsKilledWhenTheRunEnds()
    {
        var outcome = await Runner().RunAsync(Shell("sleep 60 >/dev/null 2>&1 & echo $!"), new RunControl()).WaitAsync(HangLimit);

        Assert.Equal(0, outcome.ExitCode);
        Assert.False(outcome.Stopped);
        AssertNothingOfTheTreeIsLeft();
    }

    [Fact]
    public async Task RunAsync_HardAbort_ThrowsAndKillsTheTreeAtOnce()
    {
        using var abort = new CancellationTokenSource();
        var control = new RunControl { GracePeriod = TimeSpan.FromSeconds(30) };
        var run = Runner().RunAsync(Shell("trap '' TERM; sleep 60 & sleep 60; wait"), control, abort.Token);
        await WaitForSleepsAsync(2);

        var watch = Stopwatch.StartNew();
        await abort.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(HangLimit));

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, Slack);
        AssertNothingOfTheTreeIsLeft();
    }

    [Fact]
    public async Task RunAsync_StopRequestedBeforeStart_DoesNotStartTheCommand()
    {
        var control = new RunControl { Stop = new CancellationToken(canceled: true) };

        var outcome = await Runner().RunAsync(Shell("echo ran"), control).WaitAsync(HangLimit);

        Assert.True(outcome.Stopped);
        Assert.Null(outcome.ExitCode);
        Assert.Null(outcome.StartError);
        Assert.Equal(0, outcome.Stdout.TotalBytes);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MaxValue + 1L)]
    public async Task RunAsync_GracePeriodOutOfRange_Throws(long milliseconds)
    {
        var control = new RunControl { GracePeriod = TimeSpan.FromMilliseconds(milliseconds) };

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Runner().RunAsync(Shell("true"), control));
    }
}
