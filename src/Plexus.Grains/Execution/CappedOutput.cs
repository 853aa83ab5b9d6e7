using System.Text;

namespace Plexus.Execution;

/// <summary>
/// Collects one output stream of a process, keeping at most <c>maxBytes</c>: the first half and the last
/// half of what was written, and how many bytes in between were dropped. Memory stays bounded for any
/// output size. Not thread-safe: one writer, read after it finished.
/// </summary>
public sealed class CappedOutput
{
    private readonly byte[] _head;
    private readonly byte[] _tail;
    private int _headLength;
    private long _tailWritten;

    /// <summary>Creates a collector that keeps at most <paramref name="maxBytes"/> bytes.</summary>
    public CappedOutput(int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 2);
        _head = new byte[maxBytes / 2];
        _tail = new byte[maxBytes - _head.Length];
    }

    /// <summary>Gets how many bytes were written in all.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Gets how many bytes were left out between the head and the tail.</summary>
    public long DroppedBytes => Math.Max(0, TotalBytes - _head.Length - _tail.Length);

    /// <summary>Adds <paramref name="data"/> to the stream.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        TotalBytes += data.Length;
        var toHead = Math.Min(data.Length, _head.Length - _headLength);
        data[..toHead].CopyTo(_head.AsSpan(_headLength));
        _headLength += toHead;
        data = data[toHead..];

        // The tail is a ring: only the last _tail.Length bytes of the rest can survive.
        if (data.Length > _tail.Length)
        {
            _tailWritten += data.Length - _tail.Length;
            data = data[^_tail.Length..];
        }

        while (!data.IsEmpty)
        {
            var at = (int)(_tailWritten % _tail.Length);
            var chunk = Math.Min(data.Length, _tail.Length - at);
            data[..chunk].CopyTo(_tail.AsSpan(at));
            _tailWritten += chunk;
            data = data[chunk..];
        }
    }

    /// <summary>Reads <paramref name="source"/> to its end into the collector.</summary>
    public async Task ReadFromAsync(Stream source, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            Write(buffer.AsSpan(0, read));
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

    private byte[] TailBytes()
    {
        var length = (int)Math.Min(_tailWritten, _tail.Length);
        var bytes = new byte[length];
        var start = (int)((_tailWritten - length) % _tail.Length);
        var first = Math.Min(length, _tail.Length - start);
        _tail.AsSpan(start, first).CopyTo(bytes);
        _tail.AsSpan(0, length - first).CopyTo(bytes.AsSpan(first));
        return bytes;
    }
}
