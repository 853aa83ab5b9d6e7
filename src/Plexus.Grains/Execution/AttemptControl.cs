using Plexus.Actions;

namespace Plexus.Execution;

/// <summary>
/// The worker's handle on one running attempt: the action grain pushes <see cref="Stop"/> to it (as a grain
/// observer), and a run-time limit trips it too. The first reason wins.
/// </summary>
public sealed class AttemptControl : IAttemptControl, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private int _reason = -1;

    /// <summary>Gets the token that is cancelled when the command must stop.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Gets why the command was asked to stop, if it was.</summary>
    public StopReason? Reason => _reason < 0 ? null : (StopReason)_reason;

    /// <inheritdoc />
    public void Stop(StopReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, -1) == -1)
        {
            _stop.Cancel();
        }
    }

    /// <summary>Stops the command with <see cref="StopReason.TimedOut"/> once <paramref name="limit"/> has passed.</summary>
    public void StopAfter(TimeSpan limit, TimeProvider time) =>
        _ = Task.Delay(limit, time, _stop.Token).ContinueWith(
            t => { if (!t.IsCanceled) { Stop(StopReason.TimedOut); } },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <inheritdoc />
    public void Dispose() => _stop.Dispose();
}
