using System.Collections.Immutable;
using Plexus.Progress;

namespace Plexus.Actions;

/// <summary>
/// How an action's steps move: which step an attempt starts at, what a step's result changes, whether the worker goes
/// on to the next step, and what is left when the attempt ends. Pure decisions; <see cref="ActionGrain"/> applies them.
/// </summary>
public static class ActionSteps
{
    /// <summary>Returns the steps of a new action, all <see cref="StepStatus.Pending"/>.</summary>
    public static ImmutableList<StepInfo> Create(IReadOnlyList<string> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return [.. commands.Select((command, i) => new StepInfo { Number = i + 1, Command = command })];
    }

    /// <summary>
    /// Returns the step an attempt starts at: the first that has not succeeded, so a retry resumes at the step that
    /// failed (a new action, or one whose policy starts over, has every step pending).
    /// </summary>
    public static int ResumeAt(ActionSnapshot action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.Steps.FirstOrDefault(s => s.Status != StepStatus.Succeeded)?.Number ?? 1;
    }

    /// <summary>Returns the number and command of the step that runs now (for an action without steps, its command).</summary>
    public static (int Number, string Command) Running(ActionSnapshot action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.Steps.FirstOrDefault(s => s.Status == StepStatus.Running) is { } step ? (step.Number, step.Command) : (1, action.Command);
    }

    /// <summary>Marks step <paramref name="number"/> running for <paramref name="attempt"/>, from <paramref name="now"/>.</summary>
    public static ActionSnapshot Start(ActionSnapshot action, int number, int attempt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Change(action, number, step => new StepInfo { Number = step.Number, Command = step.Command, Status = StepStatus.Running, StartedAt = now, Attempt = attempt });
    }

    /// <summary>Records <paramref name="result"/> on its step; a result of another step or attempt than the running one changes nothing.</summary>
    public static ActionSnapshot Record(ActionSnapshot action, CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(result);
        return Change(action, result.Step, step => step.Status != StepStatus.Running || step.Attempt != result.Attempt ? step : step with
        {
            Status = StatusOf(result),
            ExitCode = result.ExitCode,
            StartedAt = result.StartedAt,
            FinishedAt = result.FinishedAt,
            Error = result.Error,
            Stdout = result.Stdout,
            Stderr = result.Stderr,
            Resources = result.Resources,
            Stages = CloseStages(step.Stages, result.IsSuccess, result.FinishedAt),
            Percent = result.IsSuccess ? 100 : step.Percent,
            ArtifactsRefused = [.. result.ArtifactsRefused],
        }) is var changed && changed with { Stages = CloseStages(changed.Stages, result.IsSuccess, result.FinishedAt) } is var recorded && result.Artifacts.Count > 0
            ? recorded with { Artifacts = recorded.Artifacts.AddRange(result.Artifacts.Where(a => !recorded.Artifacts.Contains(a))) }
            : recorded;
    }

    /// <summary>
    /// Returns the step the worker runs after the one whose result is <paramref name="result"/> (already recorded in
    /// <paramref name="action"/>), or <see langword="null"/> when it runs no more: a cancel was requested, the step was
    /// stopped (cancel, run-time limit, drain), it failed and the action does not keep going, or no later step is left to
    /// run (a step that succeeded in an earlier attempt is not run again).
    /// </summary>
    public static int? Next(ActionSnapshot action, CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(result);
        if (action.CancelRequestedBy is not null || result.StoppedBy is not null || (!result.IsSuccess && !action.KeepGoing))
        {
            return null;
        }

        return action.Steps.FirstOrDefault(s => s.Number > result.Step && s.Status != StepStatus.Succeeded)?.Number;
    }

    /// <summary>
    /// Returns the action's result once its attempt ended with <paramref name="last"/>, the result of the last step it ran:
    /// that result, unless an earlier step of the attempt failed (with keep-going): then an error that names the first
    /// failed step and carries its exit code, so the action exits like the step that failed.
    /// </summary>
    public static CommandResult Outcome(ActionSnapshot action, CommandResult last)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(last);
        var failed = action.Steps.FirstOrDefault(s => s.Number < last.Step && s.Attempt == last.Attempt && s.Status is StepStatus.Failed or StepStatus.TimedOut);
        var result = last with { Command = action.Command, Artifacts = [], ArtifactsRefused = [] };
        if (failed is null)
        {
            return result;
        }

        return result with
        {
            Status = ResultStatus.Error,
            ExitCode = failed.ExitCode,
            Step = failed.Number,
            Error = $"Step {failed.Number} of {action.Steps.Count} failed ({failed.Command}): {failed.Error}",
        };
    }

    /// <summary>
    /// Closes the steps when the attempt ends in <paramref name="final"/>: a step still running ends like the action
    /// (cancelled, timed out, or failed with <paramref name="error"/>, say a lost worker); when the action is final the
    /// pending ones are skipped, while it waits to retry they stay pending.
    /// </summary>
    public static ImmutableList<StepInfo> Finish(ImmutableList<StepInfo> steps, ActionStatus final, string? error, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps.ConvertAll(step => step.Status switch
        {
            StepStatus.Pending when final != ActionStatus.Retrying => step with { Status = StepStatus.Skipped },
            StepStatus.Running => step with
            {
                Status = final switch
                {
                    ActionStatus.Cancelled => StepStatus.Cancelled,
                    ActionStatus.TimedOut => StepStatus.TimedOut,
                    _ => StepStatus.Failed,
                },
                FinishedAt = now,
                Error = error ?? step.Error,
                Stages = CloseStages(step.Stages, succeeded: false, now),
            },
            _ => step,
        });
    }

    /// <summary>
    /// Prepares the steps for the next attempt: those that did not succeed are pending again; with
    /// <see cref="RetryPolicy.StartOver"/> all of them are.
    /// </summary>
    public static ImmutableList<StepInfo> Reset(ImmutableList<StepInfo> steps, bool startOver)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps.ConvertAll(step => step.Status == StepStatus.Succeeded && !startOver
            ? step
            : new StepInfo { Number = step.Number, Command = step.Command });
    }

    /// <summary>
    /// Applies progress of step <paramref name="number"/> to its own stages, and sets the action's percent to cover all
    /// steps: each step is an equal share, the running one counted by its current stage.
    /// </summary>
    public static ActionSnapshot ApplyProgress(ActionSnapshot action, int number, IReadOnlyList<ProgressUpdate> updates, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(action);
        var changed = Change(action, number, step =>
        {
            var stages = Stages.Apply(step.Stages, updates, now);
            return step with { Stages = stages, Percent = stages.Count > 0 ? stages[^1].Percent : null };
        });
        return action.Steps.Count > 1 ? changed with { Percent = Percent(changed.Steps) } : changed;
    }

    /// <summary>Returns the share of all steps done, 0–100: finished steps count whole, the running one by its percent.</summary>
    public static double Percent(IReadOnlyList<StepInfo> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
        {
            return 0;
        }

        var done = steps.Sum(step => step.Status switch
        {
            StepStatus.Pending => 0,
            StepStatus.Running => (step.Percent ?? 0) / 100,
            _ => 1,
        });
        return 100 * done / steps.Count;
    }

    private static StepStatus StatusOf(CommandResult result) => result switch
    {
        { StoppedBy: StopReason.Cancelled } => StepStatus.Cancelled,
        { StoppedBy: StopReason.TimedOut } => StepStatus.TimedOut,
        { IsSuccess: true } => StepStatus.Succeeded,
        _ => StepStatus.Failed,
    };

    private static ImmutableList<StageInfo> CloseStages(ImmutableList<StageInfo> stages, bool succeeded, DateTimeOffset at) =>
        stages.Count > 0 && stages[^1].Status == StageStatus.Running
            ? stages.SetItem(stages.Count - 1, stages[^1] with { Status = succeeded ? StageStatus.Completed : StageStatus.Failed, CompletedAt = at })
            : stages;

    private static ActionSnapshot Change(ActionSnapshot action, int number, Func<StepInfo, StepInfo> change)
    {
        var index = action.Steps.FindIndex(s => s.Number == number);
        return index < 0 ? action : action with { Steps = action.Steps.SetItem(index, change(action.Steps[index])) };
    }
}
