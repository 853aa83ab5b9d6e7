namespace Plexus.Progress;

/// <summary>
/// One progress report recognised in a command's output: a <c>::plexus</c> protocol line or a tqdm-style bar.
/// </summary>
/// <param name="Stage">
/// The stage the command is in, for example <c>Processing</c>. Never empty; a tqdm bar without a description
/// reports <see cref="ProgressParser.DefaultStage"/>.
/// </param>
/// <param name="Processed">How many units of the stage are done, or <see langword="null"/> when not reported.</param>
/// <param name="Total">
/// How many units the stage has in all, or <see langword="null"/> when unknown. <paramref name="Processed"/> may
/// exceed it (tqdm allows that); whoever derives a percentage clamps it.
/// </param>
/// <param name="Message">A short human note (a protocol <c>message</c>, a tqdm postfix), or <see langword="null"/>.</param>
public sealed record ProgressUpdate(string Stage, long? Processed, long? Total, string? Message);
