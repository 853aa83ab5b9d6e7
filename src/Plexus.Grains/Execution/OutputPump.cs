using System.Buffers;

namespace Plexus.Execution;

/// <summary>
/// Copies a process' output pipes into capped buffers, each on a thread of its own, and hands every chunk to the
/// live output receiver. Both pipes are read at once, so neither can fill up and block the process.
/// </summary>
/// <remarks>
/// Pipe reads on Linux block a thread and cannot be cancelled: while some process outside the run still holds a
/// pipe open, its reader stays blocked. <see cref="Close"/> lets the runner stop waiting for such a reader: after
/// it returns, no reader writes to a buffer or calls the receiver again.
/// </remarks>
internal sealed class OutputPump(Action<OutputStream, ReadOnlyMemory<byte>>? onOutput)
{
    private readonly Lock _gate = new();
    private Action<OutputStream, ReadOnlyMemory<byte>>? _onOutput = onOutput;
    private bool _closed;

    /// <summary>Gets the exception the live output receiver threw, which switched it off; null if none.</summary>
    public Exception? ReceiverFailure { get; private set; }

    /// <summary>Starts reading <paramref name="source"/> to its end into <paramref name="target"/>.</summary>
    public Task Start(Stream source, CappedOutput target, OutputStream stream) =>
        Task.Factory.StartNew(() => Pump(source, target, stream), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Ends all writing and calling; waits for a chunk being handled to finish.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    private void Pump(Stream source, CappedOutput target, OutputStream stream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = source.Read(buffer)) > 0)
            {
                lock (_gate)
                {
                    if (_closed)
                    {
                        return;
                    }

                    target.Write(buffer.AsSpan(0, read));
                    Deliver(stream, buffer.AsMemory(0, read));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The runner disposed the pipe after giving up on it.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Deliver(OutputStream stream, ReadOnlyMemory<byte> chunk)
    {
        if (_onOutput is not { } receiver)
        {
            return;
        }

        try
        {
            receiver(stream, chunk);
        }
        catch (Exception ex)
        {
            // The receiver is the caller's code: its failure must not stop capturing the output.
            ReceiverFailure = ex;
            _onOutput = null;
        }
    }
}
