namespace Plexus.Actions;

/// <summary>Where a stage of an action stands.</summary>
[GenerateSerializer, Alias("plexus.StageStatus")]
public enum StageStatus
{
    /// <summary>The stage is the current one.</summary>
    Running = 0,

    /// <summary>A later stage began, or the action succeeded.</summary>
    Completed = 1,

    /// <summary>The action ended unsuccessfully during this stage.</summary>
    Failed = 2,
}

/// <summary>One stage of an action, as the command reported it (progress lines or tqdm bars).</summary>
[GenerateSerializer, Alias("plexus.StageInfo")]
public sealed record StageInfo
{
    /// <summary>Gets the stage name.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>Gets the position of the stage, starting at 1.</summary>
    [Id(1)] public int Order { get; init; }

    /// <summary>Gets where the stage stands.</summary>
    [Id(2)] public StageStatus Status { get; init; }

    /// <summary>Gets how many items the stage has processed, if it reports items.</summary>
    [Id(3)] public long? Processed { get; init; }

    /// <summary>Gets how many items the stage has in all, if known.</summary>
    [Id(4)] public long? Total { get; init; }

    /// <summary>Gets the last message of the stage.</summary>
    [Id(5)] public string? Message { get; init; }

    /// <summary>Gets when the stage began.</summary>
    [Id(6)] public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the stage ended.</summary>
    [Id(7)] public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets the share of the stage done, 0–100, when it reports a total.</summary>
    public double? Percent => Total is > 0 && Processed is { } done ? Math.Clamp(100.0 * done / Total.Value, 0, 100) : null;
}
