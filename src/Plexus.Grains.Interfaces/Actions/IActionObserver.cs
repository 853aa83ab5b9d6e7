namespace Plexus.Actions;

/// <summary>Receives an action's changes as they happen. Subscriptions expire unless renewed.</summary>
[Alias("plexus.IActionObserver")]
public interface IActionObserver : IGrainObserver
{
    /// <summary>The action changed: status, attempt, stage or progress. Carries the whole current document.</summary>
    [Alias("OnChanged")]
    void OnChanged(ActionSnapshot action);

    /// <summary>The command wrote output.</summary>
    [Alias("OnOutput")]
    void OnOutput(OutputChunk chunk);
}

/// <summary>A piece of a command's output, pushed live.</summary>
/// <param name="Attempt">The attempt that wrote it.</param>
/// <param name="Stream">Which stream: <c>stdout</c> or <c>stderr</c>.</param>
/// <param name="Text">The text.</param>
[GenerateSerializer, Alias("plexus.OutputChunk")]
public sealed record OutputChunk(
    [property: Id(0)] int Attempt,
    [property: Id(1)] string Stream,
    [property: Id(2)] string Text);
