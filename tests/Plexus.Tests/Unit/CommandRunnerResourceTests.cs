using System.Diagnostics;
using System.Globalization;
using Plexus.Actions;
using Plexus.Commands;
using Plexus.Execution;
using Plexus.Tests.Unit.Support;
using Xunit;

namespace Plexus.Tests.Unit;

/// <summary>
/// The CPU time and peak memory of real process trees (plexus-demo, /bin/sh), and the limits that stop them. Every
/// process carries a marker in its environment, so a test can check none survives a limit.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class CommandRunnerResourceTests
{
    private const long MiB = 1024 * 1024;

    // Generous: a run that takes this long is hung, and the test must fail rather than hang.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(60);

    // A loop the shell counts through (a second or two of one core here) in a grandchild of the root, which then
    // prints its own user and system time as the kernel counted them (`times`: "0m1.230000s 0m0.010000s").
    private const string SpinInAGrandchild = "sh -c 'i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done; times' & wait";

    private readonly string _marker = Guid.NewGuid().ToString("N");

    private static CommandRunner Runner() => new(new TestOptionsMonitor<ExecutionOptions>(new ExecutionOptions()));

    private ProcessSpec Spec(string executable, ResourceLimits? limits, params string[] arguments) =>
        new(executable, arguments, null, new Dictionary<string, string> { [ProcessTable.MarkerVariable] = _marker }, limits);

    private async Task<(ProcessOutcome Outcome, TimeSpan Elapsed)> RunAsync(ProcessSpec spec)
    {
        var watch = Stopwatch.StartNew();
        var outcome = await Runner().RunAsync(spec, new RunControl()).WaitAsync(HangLimit);
        return (outcome, watch.Elapsed);
    }

    [Fact]
    public async Task RunAsync_CommandAllocating200MB_ShowsAPeakOfAtLeast200MB()
    {
        var (outcome, _) = await RunAsync(Spec("plexus-demo", null, "--allocate-mb", "200", "--items", "100"));

        Assert.Equal(0, outcome.ExitCode);
        Assert.NotNull(outcome.Resources);
        Assert.InRange(outcome.Resources.PeakMemoryBytes, 200 * MiB, 1024 * MiB);
    }

    [Fact]
    public async Task RunAsync_CpuSpinnerInAGrandchild_ShowsTheCpuTimeItSpentWithinItsRunTime()
    {
        var (outcome, elapsed) = await RunAsync(Spec("/bin/sh", null, "-c", SpinInAGrandchild));

        Assert.Equal(0, outcome.ExitCode);
        Assert.NotNull(outcome.Resources);
        var times = outcome.Stdout.ToString().Split('\n')[0].Split(' ');
        var spun = times.Sum(t => double.Parse(t[(t.IndexOf('m', StringComparison.Ordinal) + 1)..^1], CultureInfo.InvariantCulture) + 60 * int.Parse(t[..t.IndexOf('m', StringComparison.Ordinal)], CultureInfo.InvariantCulture));
        Assert.True(spun > 0.3, $"the spinner used {spun} s of CPU: too little to tell");

        // The spinner's own account, plus the two shells' start-up; and one busy process uses at most its run time (on a
        // loaded machine it gets less of it than a core, which is why its own account is the reference).
        Assert.InRange(outcome.Resources.CpuSeconds, spun, spun + 0.1);
        Assert.InRange(outcome.Resources.CpuSeconds, 0, elapsed.TotalSeconds + 0.05);
    }

    [Fact]
    public async Task RunAsync_TreeOverItsMemoryLimit_IsKilledWithTheLimitNamed()
    {
        var limits = new ResourceLimits(MaxMemoryBytes: 128 * MiB);

        // Left alone it would hold 400 MiB for about 6 s.
        var (outcome, elapsed) = await RunAsync(Spec("plexus-demo", limits, "--allocate-mb", "400", "--items", "5000"));

        Assert.Equal("memory limit of 128 MiB", outcome.LimitExceeded);
        Assert.Equal(128 + 9, outcome.ExitCode); // SIGKILL, at once: no grace period for a hog
        Assert.NotNull(outcome.Resources);
        Assert.True(outcome.Resources.PeakMemoryBytes > 128 * MiB, $"peak {outcome.Resources.PeakMemoryBytes}");
        Assert.DoesNotContain("Done", outcome.Stdout.ToString(), StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"ran {elapsed}");
        Assert.Empty(ProcessTable.Marked(_marker));
    }

    [Fact]
    public async Task RunAsync_SpinnerOverItsCpuTimeLimit_IsKilledWithTheLimitNamed()
    {
        var limits = new ResourceLimits(MaxCpuTime: TimeSpan.FromSeconds(0.5));

        // Left alone it would spin forever, in a grandchild of the root.
        var (outcome, _) = await RunAsync(Spec("/bin/sh", limits, "-c", "sh -c 'while :; do :; done' & wait"));

        Assert.Equal("CPU-time limit of 0.5 s", outcome.LimitExceeded);
        Assert.Equal(128 + 9, outcome.ExitCode);
        Assert.NotNull(outcome.Resources);
        Assert.InRange(outcome.Resources.CpuSeconds, 0.5, 5);
        Assert.Empty(ProcessTable.Marked(_marker));
    }

    [Fact]
    public async Task RunAsync_TreeWithinItsLimits_EndsNormally()
    {
        var limits = new ResourceLimits(MaxMemoryBytes: 512 * MiB, MaxCpuTime: TimeSpan.FromMinutes(1));

        var (outcome, _) = await RunAsync(Spec("/bin/sh", limits, "-c", "echo fine"));

        Assert.Equal(0, outcome.ExitCode);
        Assert.Null(outcome.LimitExceeded);
        Assert.Equal("fine\n", outcome.Stdout.ToString());
    }
}
