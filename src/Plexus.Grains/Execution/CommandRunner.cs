using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plexus.Actions;
using Plexus.Commands;

namespace Plexus.Execution;

/// <summary>
/// What became of one process: its exit code (128 + the signal's number when a signal ended it), or why it never
/// ran, its capped output, and whether it ended because a stop was requested.
/// </summary>
public sealed record ProcessOutcome(int? ExitCode, string? StartError, CappedOutput Stdout, CappedOutput Stderr, bool Stopped)
{
    /// <summary>Gets the CPU time and peak memory of the whole process tree; null when no process ran.</summary>
    public ResourceUse? Resources { get; init; }

    /// <summary>Gets the limit of <see cref="ProcessSpec.Limits"/> the tree went past ("memory limit of 256 MiB"), if it did: the tree was killed.</summary>
    public string? LimitExceeded { get; init; }
}

/// <summary>
/// Runs one process without a shell, in a session and process group of its own, so its whole process tree can
/// be stopped as a unit. Standard input is /dev/null (a reader sees end-of-file at once); standard output and error
/// are read concurrently into capped buffers so neither pipe can fill up and block the child. Nothing of a
/// command's tree outlives its run: processes it leaves behind are killed when it exits, and a leftover that
/// keeps the output pipes open cannot hold the run up. Linux only: it uses glibc's posix_spawn and /proc.
/// </summary>
public sealed partial class CommandRunner(
    IOptionsMonitor<ExecutionOptions> options, ILogger<CommandRunner>? logger = null, RunningCommands? running = null)
{
    // After the command exits, a process it left behind may still be writing what the command started; the output
    // pipes may stay open this long before the leftovers are killed. A command whose tree ends with it closes the
    // pipes at once, so this costs nothing in the usual case.
    private static readonly TimeSpan DrainWindow = TimeSpan.FromSeconds(1);

    // SIGKILL cannot be caught, but a process in uninterruptible sleep (say, on a hung network mount) dies only
    // when its I/O returns: the run waits this long for killed processes to go, not forever.
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan KillPollInterval = TimeSpan.FromMilliseconds(20);

    // Timers cannot wait longer than int.MaxValue milliseconds (about 24.8 days).
    private static readonly TimeSpan MaxGracePeriod = TimeSpan.FromMilliseconds(int.MaxValue);

    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>
    /// Runs <paramref name="spec"/> to its end, or until <see cref="RunControl.Stop"/> stops it. Never throws for a
    /// program that cannot start: the outcome's <see cref="ProcessOutcome.StartError"/> says why.
    /// </summary>
    /// <param name="spec">The process to run.</param>
    /// <param name="control">How the run is stopped and where its output goes live.</param>
    /// <param name="cancellationToken">
    /// Hard abort (the silo is shutting down): the whole tree is killed with SIGKILL at once and the call throws
    /// <see cref="OperationCanceledException"/>.
    /// </param>
    public async Task<ProcessOutcome> RunAsync(ProcessSpec spec, RunControl control, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(control);
        ArgumentOutOfRangeException.ThrowIfLessThan(control.GracePeriod, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(control.GracePeriod, MaxGracePeriod);
        cancellationToken.ThrowIfCancellationRequested();

        var cap = options.CurrentValue.MaxOutputBytes;
        var stdout = new CappedOutput(cap);
        var stderr = new CappedOutput(cap);
        if (control.Stop.IsCancellationRequested)
        {
            return new ProcessOutcome(null, null, stdout, stderr, Stopped: true);
        }

        var (path, problem) = ExecutableLocator.Prepare(spec);
        if (path is null)
        {
            return new ProcessOutcome(null, StartError(spec, problem), stdout, stderr, Stopped: false);
        }

        ChildProcess process;
        try
        {
            process = ChildProcess.Start(path, spec.Arguments, CommandEnvironment.For(spec), spec.WorkingDirectory);
        }
        catch (Win32Exception ex)
        {
            return new ProcessOutcome(null, DescribeStartFailure(spec, ex), stdout, stderr, Stopped: false);
        }

        using (process)
        {
            var pid = process.Id;
            var tree = new ProcessTree(pid);
            using var record = running?.Add(tree);
            var meter = new ResourceMeter(tree, spec.Limits);
            var meterTicks = new PeriodicTimer(ResourceMeter.FirstSample);
            var metering = MeterAsync(meter, tree, record, meterTicks);
            var pump = new OutputPump(control.OnOutput);
            var reading = Task.WhenAll(
                pump.Start(process.StandardOutput, stdout, OutputStream.Stdout),
                pump.Start(process.StandardError, stderr, OutputStream.Stderr));

            var treeKilled = false;
            try
            {
                var stopped = await WaitForExitAsync(process, tree, spec, control, cancellationToken).ConfigureAwait(false);
                meterTicks.Dispose();
                await metering.ConfigureAwait(false);

                // A stopped tree already had its grace period, and one over a limit gets none; otherwise leftovers get the
                // drain window to finish.
                if (!stopped && meter.Exceeded is null)
                {
                    await DrainAsync(reading, cancellationToken).ConfigureAwait(false);
                }

                var leftovers = await KillTreeAsync(tree, spec, pid).ConfigureAwait(false);
                treeKilled = true;
                if (leftovers > 0 && !stopped)
                {
                    LogLeftoversKilled(leftovers, spec.Executable, pid);
                }

                // With the tree gone the pipes reach end-of-file at once, unless a process that escaped the tree
                // (a daemon that left the session and its parent) still holds them: then its output is abandoned.
                await DrainAsync(reading, cancellationToken).ConfigureAwait(false);
                pump.Close();
                if (!reading.IsCompleted)
                {
                    LogOutputAbandoned(spec.Executable, pid);
                }

                if (pump.ReceiverFailure is { } failure)
                {
                    LogReceiverFailed(failure, spec.Executable, pid);
                }

                var exit = process.Exited.IsCompletedSuccessfully ? process.Exited.Result : null;
                var resources = meter.Final(exit);
                if (meter.Exceeded is { } limit)
                {
                    LogLimitExceeded(spec.Executable, pid, limit);
                }

                return new ProcessOutcome(exit?.Code, null, stdout, stderr, stopped) { Resources = resources, LimitExceeded = meter.Exceeded };
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await KillTreeAsync(tree, spec, pid).ConfigureAwait(false);
                treeKilled = true;
                LogAborted(spec.Executable, pid);
                throw;
            }
            finally
            {
                meterTicks.Dispose();
                pump.Close();
                if (!treeKilled)
                {
                    // An unexpected failure must not leave the tree running either.
                    tree.Signal(LinuxInterop.SigKill);
                }
            }
        }
    }

    /// <summary>Waits for the command to exit, stopping it if asked; returns whether it was stopped.</summary>
    private async Task<bool> WaitForExitAsync(ChildProcess process, ProcessTree tree, ProcessSpec spec, RunControl control, CancellationToken abort)
    {
        using (var stopOrAbort = CancellationTokenSource.CreateLinkedTokenSource(control.Stop, abort))
        {
            try
            {
                await process.Exited.WaitAsync(stopOrAbort.Token).ConfigureAwait(false);
                return false;
            }
            catch (OperationCanceledException) when (!abort.IsCancellationRequested)
            {
            }
        }

        if (process.Exited.IsCompleted)
        {
            // It ended on its own as the stop came.
            return false;
        }

        LogStopping(spec.Executable, process.Id, control.GracePeriod.TotalMilliseconds);
        tree.Signal(LinuxInterop.SigTerm);
        using (var grace = CancellationTokenSource.CreateLinkedTokenSource(abort))
        {
            grace.CancelAfter(control.GracePeriod);
            try
            {
                await process.Exited.WaitAsync(grace.Token).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException) when (!abort.IsCancellationRequested)
            {
            }
        }

        LogGraceExpired(spec.Executable, process.Id, control.GracePeriod.TotalMilliseconds);
        tree.Signal(LinuxInterop.SigKill);
        try
        {
            await process.Exited.WaitAsync(KillTimeout, abort).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // KillTreeAsync, next, reports what survived.
        }

        return true;
    }

    // Samples the tree until the caller disposes the timer; a tree past a limit is killed at once, without a grace
    // period (a memory hog must not get time to take the machine down). New members are recorded as they are seen.
    private static async Task MeterAsync(ResourceMeter meter, ProcessTree tree, RunningCommands.Run? record, PeriodicTimer ticks)
    {
        while (await ticks.WaitForNextTickAsync().ConfigureAwait(false))
        {
            ticks.Period = TimeSpan.FromTicks(Math.Min(ticks.Period.Ticks * 2, ResourceMeter.SampleInterval.Ticks));
            var members = meter.Sample();
            record?.Update(members);
            if (meter.Exceeded is not null)
            {
                tree.Signal(LinuxInterop.SigKill);
                return;
            }
        }
    }

    private static async Task DrainAsync(Task reading, CancellationToken abort)
    {
        try
        {
            await reading.WaitAsync(DrainWindow, abort).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Kills every running member of the tree and waits for them to go; returns how many were running.</summary>
    private async Task<int> KillTreeAsync(ProcessTree tree, ProcessSpec spec, int pid)
    {
        var started = Stopwatch.GetTimestamp();
        var found = tree.Signal(LinuxInterop.SigKill);
        var running = found;
        while (running > 0)
        {
            if (Stopwatch.GetElapsedTime(started) >= KillTimeout)
            {
                LogKillFailed(running, spec.Executable, pid, KillTimeout.TotalMilliseconds);
                break;
            }

            await Task.Delay(KillPollInterval).ConfigureAwait(false);
            running = tree.Signal(LinuxInterop.SigKill);
        }

        return found;
    }

    // The silo's environment with the command's own variables on top.
    private static string StartError(ProcessSpec spec, string? cause) =>
        $"The command could not start '{spec.Executable}': {cause ?? "unknown reason"}.";

    private static string DescribeStartFailure(ProcessSpec spec, Win32Exception ex)
    {
        // The locator found the file, so a missing file now is what its #! line or ELF header names.
        var cause = ex.NativeErrorCode switch
        {
            LinuxInterop.NoSuchFile => "the program or its interpreter (its #! line or ELF loader) was not found",
            LinuxInterop.AccessDenied => "permission denied (is it executable?)",
            LinuxInterop.ExecFormat => "it is neither a program nor a script starting with a #! line",
            _ => ex.Message,
        };
        if (spec.WorkingDirectory is { } directory && !Directory.Exists(directory))
        {
            cause = $"its working directory '{directory}' does not exist";
        }

        return StartError(spec, cause);
    }
}
