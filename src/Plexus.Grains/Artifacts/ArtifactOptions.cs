using Plexus.Actions;

namespace Plexus.Artifacts;

/// <summary>The limits on what a command may leave under <c>$PLEXUS_ARTIFACTS_DIR</c> (<c>Plexus:Artifacts</c>); past them files are not kept and the step's result says which and why.</summary>
public sealed class ArtifactOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Plexus:Artifacts";

    /// <summary>Gets or sets the largest file kept, in bytes. Default is 100 MiB.</summary>
    public long MaxFileBytes { get; set; } = 100L << 20;

    /// <summary>Gets or sets the most bytes one attempt keeps, all its steps together. Default is 1 GiB.</summary>
    public long MaxTotalBytes { get; set; } = 1L << 30;

    /// <summary>Gets or sets the most files one attempt keeps, all its steps together. Default is 1000.</summary>
    public int MaxCount { get; set; } = 1000;

    /// <summary>Describes what is wrong with the options, or returns <see langword="null"/> when they are usable.</summary>
    public string? Problem() => this switch
    {
        { MaxFileBytes: < 1 } => $"{SectionName}:MaxFileBytes must be at least 1; it is {MaxFileBytes}.",
        { MaxTotalBytes: < 1 } => $"{SectionName}:MaxTotalBytes must be at least 1; it is {MaxTotalBytes}.",
        { MaxCount: < 1 } => $"{SectionName}:MaxCount must be at least 1; it is {MaxCount}.",
        _ => null,
    };
}

/// <summary>What an attempt may still keep: its steps share the limits of <see cref="ArtifactOptions"/>.</summary>
public sealed class ArtifactBudget(ArtifactOptions options)
{
    /// <summary>Gets the limits.</summary>
    public ArtifactOptions Options { get; } = options;

    /// <summary>Gets how many files the attempt kept so far.</summary>
    public int Count { get; private set; }

    /// <summary>Gets how many bytes the attempt kept so far.</summary>
    public long Bytes { get; private set; }

    /// <summary>Returns why a file of <paramref name="size"/> bytes cannot be kept, or <see langword="null"/> when it can.</summary>
    public string? Refuses(long size) => size switch
    {
        _ when size > Options.MaxFileBytes =>
            $"It is {ByteSize.Format(size)}, over the limit of {ByteSize.Format(Options.MaxFileBytes)} per file ({ArtifactOptions.SectionName}:MaxFileBytes).",
        _ when Count >= Options.MaxCount =>
            $"The attempt already kept {Count} files, the most allowed ({ArtifactOptions.SectionName}:MaxCount).",
        _ when Bytes + size > Options.MaxTotalBytes =>
            $"It is {ByteSize.Format(size)} and the attempt already kept {ByteSize.Format(Bytes)}, over the limit of {ByteSize.Format(Options.MaxTotalBytes)} in all ({ArtifactOptions.SectionName}:MaxTotalBytes).",
        _ => null,
    };

    /// <summary>Counts a kept file of <paramref name="size"/> bytes.</summary>
    public void Add(long size)
    {
        Count++;
        Bytes += size;
    }
}
