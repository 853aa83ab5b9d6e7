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
    private ITimer? _timeLimit;

    /// <summary>Gets the token that is cancelled when the command must stop.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Gets why the command was asked to stop, if it was.</summary>
    public StopReason? Reason => _reason < 0 ? null : (StopReason)_reason;

    /// <inheritdoc />
    public void Stop(StopReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, -1) != -1)
        {
            return;
        }

        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt has ended: a late stop (a push from the grain, a time limit firing as it ended) has nothing left to stop.
        }
    }

    /// <summary>Stops the command with <see cref="StopReason.TimedOut"/> once <paramref name="limit"/> has passed.</summary>
    public void StopAfter(TimeSpan limit, TimeProvider time)
    {
        // A timer, not a Task.Delay: disposed with the attempt, it does not outlive a command that ends early.
        _timeLimit?.Dispose();
        _timeLimit = time.CreateTimer(_ => Stop(StopReason.TimedOut), null, limit, Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _timeLimit?.Dispose();
        _stop.Dispose();
    }
}
