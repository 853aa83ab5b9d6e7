using Microsoft.Extensions.DependencyInjection;
using Plexus.Actions;
using Plexus.Artifacts;

namespace Plexus.Execution;

public sealed partial class WorkerPool
{
    private ArtifactCollector? _artifacts;

    // Taken from the container when first needed, so the pool's constructor stays as it is.
    private ArtifactCollector Artifacts => _artifacts ??= services.GetRequiredService<ArtifactCollector>();

    /// <summary>
    /// Runs the attempt's steps in order, from the one the grain started it at, and returns the result of the last
    /// step run: each step but the last is recorded with <see cref="IActionWorkerGrain.CompleteStepAsync"/>, whose
    /// answer names the next step to run (none after a failure without keep-going, a cancel or a stop). An action of
    /// one command costs no call more than before.
    /// </summary>
    private async Task<CommandResult> RunStepsAsync(
        IActionWorkerGrain grain, ActionSnapshot action, WorkerInfo worker, AttemptControl control, CancellationToken stoppingToken)
    {
        if ((action.Timeout ?? options.Value.DefaultTimeout) is { } runTimeLimit)
        {
            control.StopAfter(runTimeLimit, time);
        }

        var step = ActionSteps.Running(action);
        var budget = Artifacts.NewBudget();
        while (true)
        {
            var result = await RunAsync(grain, action, step, budget, worker, control, stoppingToken).ConfigureAwait(false);
            if (!action.Steps.Any(s => s.Number > step.Number))
            {
                return result;
            }

            var next = await _report.ExecuteAsync(async _ => await grain.CompleteStepAsync(result).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
            if (next is not { } number || action.Steps.Find(s => s.Number == number) is not { } following)
            {
                return result;
            }

            step = (following.Number, following.Command);
        }
    }

    /// <summary>
    /// Keeps what the step left in its artifacts folder, however it ended. The silo stopping hard (the token) keeps
    /// nothing more; the step's result then says so.
    /// </summary>
    private async Task<CollectedArtifacts> CollectArtifactsAsync(string folder, ActionSnapshot action, int step, ArtifactBudget budget, CancellationToken stoppingToken)
    {
        try
        {
            return await Artifacts.CollectAsync(folder, action.Id, action.Attempt, step, budget, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return new CollectedArtifacts([], [new ArtifactRefusal("*", "The silo was stopping; the step's artifacts were not kept.")]);
        }
    }
}

/// <summary>
/// The folder a step's command gets as <c>$PLEXUS_ARTIFACTS_DIR</c>: new and empty for each step, readable by the
/// silo's user alone, removed with everything in it when the step is done.
/// </summary>
internal sealed class StepArtifacts : IDisposable
{
    private StepArtifacts(string folder) => Folder = folder;

    /// <summary>Gets the folder's full path.</summary>
    public string Folder { get; }

    /// <summary>Creates the folder of step <paramref name="step"/> of attempt <paramref name="attempt"/> of action <paramref name="id"/>.</summary>
    public static StepArtifacts Create(Guid id, int attempt, int step)
    {
        var root = Path.Combine(Path.GetTempPath(), "plexus-artifacts");
        CreatePrivate(root);

        // A random tail: a step run again on this silo (a drained attempt handed back) never sees the files of an earlier run.
        var folder = Path.Combine(root, $"{id:N}-{attempt}-{step}-{Guid.NewGuid():N}");
        CreatePrivate(folder);
        return new StepArtifacts(folder);
    }

    // Other users of the machine must not read what a command keeps there.
    private static void CreatePrivate(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A command that made part of its folder unreadable leaves it to the temp folder's own clean-up.
        }
    }
}
