using System.Text;

namespace Plexus.Execution;

/// <summary>
/// Collects one output stream of a process, keeping at most <c>maxBytes</c>: the first half and the last
/// half of what was written, and how many bytes in between were dropped. Memory stays bounded for any
/// output size. Not thread-safe: one writer, read after it finished.
/// </summary>
/// <remarks>
/// Memory follows the output, not the cap: the head grows as it fills, and the tail ring exists only once the
/// head is full. Most commands print little, and two cap-sized arrays per stream (large-object-heap allocations
/// that each bring a full collection closer) were a measurable share of a short command's cost.
/// </remarks>
public sealed class CappedOutput
{
    private const int InitialHeadBytes = 256;

    private readonly int _headCapacity;
    private readonly int _tailCapacity;
    private byte[] _head = [];
    private byte[]? _tail;
    private int _headLength;
    private long _tailWritten;

    /// <summary>Creates a collector that keeps at most <paramref name="maxBytes"/> bytes.</summary>
    public CappedOutput(int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 2);
        _headCapacity = maxBytes / 2;
        _tailCapacity = maxBytes - _headCapacity;
    }

    /// <summary>Gets how many bytes were written in all.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Gets how many bytes were left out between the head and the tail.</summary>
    public long DroppedBytes => Math.Max(0, TotalBytes - _headCapacity - _tailCapacity);

    /// <summary>Adds <paramref name="data"/> to the stream.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        TotalBytes += data.Length;
        var toHead = Math.Min(data.Length, _headCapacity - _headLength);
        if (toHead > 0)
        {
            EnsureHeadRoom(_headLength + toHead);
            data[..toHead].CopyTo(_head.AsSpan(_headLength));
            _headLength += toHead;
            data = data[toHead..];
        }

        if (data.IsEmpty)
        {
            return;
        }

        // The tail is a ring: only the last _tailCapacity bytes of the rest can survive.
        var tail = _tail ??= new byte[_tailCapacity];
        if (data.Length > tail.Length)
        {
            _tailWritten += data.Length - tail.Length;
            data = data[^tail.Length..];
        }

        while (!data.IsEmpty)
        {
            var at = (int)(_tailWritten % tail.Length);
            var chunk = Math.Min(data.Length, tail.Length - at);
            data[..chunk].CopyTo(tail.AsSpan(at));
            _tailWritten += chunk;
            data = data[chunk..];
        }
    }

    /// <summary>
    /// Returns the kept text (UTF-8); when bytes were dropped, a marker line between head and tail says how many.
    /// </summary>
    public override string ToString()
    {
        var head = Encoding.UTF8.GetString(_head, 0, _headLength);
        var tail = Encoding.UTF8.GetString(TailBytes());
        var dropped = DroppedBytes;
        return dropped == 0 ? head + tail : $"{head}\n[… {dropped} bytes dropped …]\n{tail}";
    }

    private void EnsureHeadRoom(int needed)
    {
        if (needed <= _head.Length)
        {
            return;
        }

        var size = Math.Max(InitialHeadBytes, _head.Length);
        while (size < needed)
        {
            size *= 2;
        }

        Array.Resize(ref _head, Math.Min(size, _headCapacity));
    }

    private byte[] TailBytes()
    {
        if (_tail is not { } tail)
        {
            return [];
        }

        var length = (int)Math.Min(_tailWritten, tail.Length);
        var bytes = new byte[length];
        var start = (int)((_tailWritten - length) % tail.Length);
        var first = Math.Min(length, tail.Length - start);
        tail.AsSpan(start, first).CopyTo(bytes);
        tail.AsSpan(0, length - first).CopyTo(bytes.AsSpan(first));
        return bytes;
    }
}
