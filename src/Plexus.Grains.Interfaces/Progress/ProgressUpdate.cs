namespace Plexus.Progress;

/// <summary>One progress report found in a command's output: a stage, its items, a message.</summary>
/// <param name="Stage">The stage name.</param>
/// <param name="Processed">Items processed so far in the stage, if reported.</param>
/// <param name="Total">Items in the stage, if known.</param>
/// <param name="Message">A short message, if any.</param>
/// <param name="At">
/// When the worker read the line, so stage times are the command's own and not those of the batch of reports that
/// carried them; <see langword="null"/> until the worker stamps it.
/// </param>
[GenerateSerializer, Alias("plexus.ProgressUpdate")]
public sealed record ProgressUpdate(
    [property: Id(0)] string Stage,
    [property: Id(1)] long? Processed,
    [property: Id(2)] long? Total,
    [property: Id(3)] string? Message,
    [property: Id(4)] DateTimeOffset? At = null);
