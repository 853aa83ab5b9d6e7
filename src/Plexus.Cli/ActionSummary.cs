using System.Globalization;
using System.Text;
using Plexus.Actions;
using Plexus.Client;

namespace Plexus.Cli;

/// <summary>The human summary <c>status</c> prints.</summary>
public static class ActionSummary
{
    /// <summary>Returns a few lines that say where <paramref name="action"/> stands; <paramref name="waiting"/> says why it has not started.</summary>
    public static string Format(ActionSnapshot action, string? waiting = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (Forgotten(action) is { } forgotten)
        {
            return forgotten + Environment.NewLine;
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Action {action.Id}: {action.Status}");
        Line(text, "command", action.Command);
        Line(text, "submitter", action.Submitter);
        Line(text, "queue", action.Queue);
        if (waiting is not null)
        {
            Line(text, "waiting", waiting);
        }

        Line(text, "attempt", action.Worker is { } worker ? $"{action.Attempt} on {worker.Host} ({worker.Silo})" : $"{action.Attempt}");
        Line(text, "queued", Time(action.QueuedAt));
        if (action.StartedAt is { } started)
        {
            Line(text, "started", $"{Time(started)} (waited {Seconds(started - action.QueuedAt)})");
        }

        if (action.FinishedAt is { } finished)
        {
            Line(text, "finished", $"{Time(finished)}" + (action.Result is { } r ? $" (ran {Seconds(r.Duration)})" : ""));
        }

        if (action.Timeout is { } timeout)
        {
            Line(text, "timeout", Seconds(timeout));
        }

        if (action.Limits is { } limits)
        {
            Line(text, "limits", string.Join(", ", new[]
            {
                limits.MaxMemoryBytes is { } memory ? $"memory {ByteSize.Format(memory)}" : null,
                limits.MaxCpuTime is { } cpu ? $"CPU time {Seconds(cpu)}" : null,
            }.OfType<string>()) + " (and the catalog entry's own, if tighter)");
        }

        if (action.NextAttemptAt is { } next)
        {
            Line(text, "retry at", Time(next));
        }

        if (action.Attempt > 1)
        {
            Line(text, "attempts", $"{action.Attempt} of at most {action.Retry.MaxAttempts}");
            foreach (var attempt in action.Attempts)
            {
                var where = attempt.Worker is { } w ? $" on {w.Host} ({w.Silo})" : "";
                var ran = attempt.StartedAt is { } from ? $", ran {Seconds(attempt.FinishedAt - from)}" : "";
                var code = attempt.ExitCode is { } exit ? $", exit code {exit}" : "";
                var used = attempt.Resources is { } r ? $", {Resources(r)}" : "";
                Line(text, $"  #{attempt.Number}", $"{attempt.Outcome}{code}{ran}{used}{where}" + (attempt.Error is { } e && attempt.Outcome != AttemptOutcome.Succeeded ? $": {e}" : ""));
            }
        }

        if (action.Steps.Count > 1)
        {
            Line(text, "steps", action.KeepGoing ? $"{action.Steps.Count}, all run (--keep-going)" : $"{action.Steps.Count}, the first failure skips the rest");
            foreach (var step in action.Steps)
            {
                Line(text, $"  {step.Number}.", StepLine(step));
            }
        }

        if (action.Result is { } result)
        {
            Line(text, "result", result.ExitCode is { } code ? $"{result.Status}, exit code {code}" : result.Status);
            if (result.Error is { } error)
            {
                Line(text, "error", error);
            }

            if (result.Resources is { } resources)
            {
                Line(text, "resources", Resources(resources));
            }

            Line(text, "output", $"{Size(result.Stdout, result.StdoutDroppedBytes)} of stdout, {Size(result.Stderr, result.StderrDroppedBytes)} of stderr (all of it: status {action.Id} --json)");
        }

        return text.ToString();
    }

    /// <summary>Says that <paramref name="action"/> was removed at the end of its retention, or returns null while it is kept.</summary>
    public static string? Forgotten(ActionSnapshot action) => action.ForgottenAt is { } at
        ? $"Action {action.Id} ended {action.Status} on {Time(action.FinishedAt ?? at)} and was removed on {Time(at)}, its retention of {Days(action.Retention)} having run out: its request, output and result are no longer kept."
        : null;

    private static string StepLine(StepInfo step)
    {
        var code = step.ExitCode is { } exit ? $", exit code {exit}" : "";
        var ran = step.Duration is { } duration ? $", ran {Seconds(duration)}" : "";
        var stage = step is { Status: StepStatus.Running, Stages: [.., var current] }
            ? $", stage {current.Name}" + (current.Percent is { } percent ? $" {percent.ToString("0", CultureInfo.InvariantCulture)}%" : "")
            : "";
        var attempt = step.Attempt is { } number ? $" (attempt {number})" : "";
        var error = step.Error is { } e && step.Status != StepStatus.Succeeded ? $": {e}" : "";
        return $"{step.Status}{code}{ran}{stage}{attempt}  {step.Command}{error}";
    }

    private static string Resources(ResourceUse use) =>
        $"CPU {use.CpuSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s, peak memory {ByteSize.Format(use.PeakMemoryBytes)}";

    private static string Days(TimeSpan? span) => span is { } s
        ? s.TotalDays >= 1 ? s.TotalDays.ToString("0.##", CultureInfo.InvariantCulture) + " d" : Seconds(s)
        : "unknown";

    private static void Line(StringBuilder text, string label, string value) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"  {label + ":",-10} {value}");

    private static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static string Size(string kept, long dropped)
    {
        var lines = kept.Length == 0 ? 0 : kept.Count(c => c == '\n') + (kept.EndsWith('\n') ? 0 : 1);
        return dropped > 0 ? $"{lines} lines ({dropped} bytes dropped)" : $"{lines} lines";
    }
}
