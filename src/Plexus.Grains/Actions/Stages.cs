using Plexus.Progress;

namespace Plexus.Actions;

/// <summary>How progress reports change an action's stage list, percent and ETA.</summary>
public static class Stages
{
    // An estimate from less than this share of a stage swings too much to be worth showing.
    private const double MinimumShareForEstimate = 0.10;

    /// <summary>
    /// Applies <paramref name="updates"/> in order: a new stage name completes the current stage and starts the next,
    /// both at the time the update's line was read (<paramref name="now"/> for an update without one).
    /// </summary>
    public static ActionSnapshot Apply(ActionSnapshot action, IEnumerable<ProgressUpdate> updates, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(action);
        var stages = Apply(action.Stages, updates, now);
        var stage = stages.Count > 0 ? stages[^1] : null;
        return action with { Stages = stages, Percent = stage?.Percent, EstimatedCompletion = stage is null ? null : Estimate(stage, now) };
    }

    /// <summary>Applies <paramref name="updates"/> to a list of stages (an action's, or one step's), as <see cref="Apply(ActionSnapshot, IEnumerable{ProgressUpdate}, DateTimeOffset)"/> does.</summary>
    public static System.Collections.Immutable.ImmutableList<StageInfo> Apply(
        System.Collections.Immutable.ImmutableList<StageInfo> stages, IEnumerable<ProgressUpdate> updates, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(updates);
        foreach (var update in updates)
        {
            var at = update.At ?? now;
            var current = stages.Count > 0 ? stages[^1] : null;
            if (current is null || current.Name != update.Stage)
            {
                if (current is not null)
                {
                    stages = stages.SetItem(stages.Count - 1, current with { Status = StageStatus.Completed, CompletedAt = at });
                }

                stages = stages.Add(new StageInfo
                {
                    Name = update.Stage, Order = stages.Count + 1, Status = StageStatus.Running, StartedAt = at,
                    Processed = update.Processed, Total = update.Total, Message = update.Message,
                });
            }
            else
            {
                stages = stages.SetItem(stages.Count - 1, current with
                {
                    Processed = update.Processed ?? current.Processed,
                    Total = update.Total ?? current.Total,
                    Message = update.Message ?? current.Message,
                });
            }
        }

        return stages;
    }

    /// <summary>
    /// Closes the current stage when the action ends: completed on success, failed otherwise. A success is 100%
    /// done, whatever the last count said; a failure keeps the percent it reached.
    /// </summary>
    public static ActionSnapshot Finish(ActionSnapshot action, bool succeeded, DateTimeOffset now)
    {
        var finished = action with { EstimatedCompletion = null, Percent = succeeded ? 100 : action.Percent };
        if (action.Stages.Count == 0 || action.Stages[^1].Status != StageStatus.Running)
        {
            return finished;
        }

        var last = action.Stages[^1] with { Status = succeeded ? StageStatus.Completed : StageStatus.Failed, CompletedAt = now };
        return finished with { Stages = action.Stages.SetItem(action.Stages.Count - 1, last) };
    }

    private static DateTimeOffset? Estimate(StageInfo stage, DateTimeOffset now)
    {
        if (stage.Percent is not { } percent || percent / 100 < MinimumShareForEstimate)
        {
            return null;
        }

        var share = percent / 100;
        var elapsed = now - stage.StartedAt;
        return now + (elapsed / share - elapsed);
    }
}
