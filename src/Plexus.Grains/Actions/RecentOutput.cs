namespace Plexus.Actions;

/// <summary>
/// The latest output of a running attempt, kept in memory only, so a watcher who joins late sees the last screenful
/// before the live output: the newest chunks up to <see cref="MaxChars"/> characters, and always the newest one.
/// </summary>
public sealed class RecentOutput
{
    /// <summary>How many characters are kept at most (the newest chunk is kept whatever its size).</summary>
    public const int MaxChars = 64 * 1024;

    private readonly Queue<OutputChunk> _chunks = new();
    private int _chars;

    /// <summary>Gets the chunks kept, oldest first.</summary>
    public IEnumerable<OutputChunk> Chunks => _chunks;

    /// <summary>Adds <paramref name="chunk"/>, dropping the oldest chunks beyond <see cref="MaxChars"/>.</summary>
    public void Add(OutputChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        _chunks.Enqueue(chunk);
        _chars += chunk.Text.Length;
        while (_chars > MaxChars && _chunks.Count > 1)
        {
            _chars -= _chunks.Dequeue().Text.Length;
        }
    }

    /// <summary>Forgets everything, for the next attempt.</summary>
    public void Clear()
    {
        _chunks.Clear();
        _chars = 0;
    }
}
