using System.Diagnostics;
using Xunit.Sdk;

namespace Plexus.Tests.EndToEnd;

/// <summary>Waits for a state by asking again until it holds or a deadline passes.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Calls <paramref name="probe"/> until <paramref name="done"/> holds for its value and returns that value; fails the
    /// test with <paramref name="awaited"/> and the last value when <paramref name="timeout"/> passes first.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string awaited)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (elapsed.Elapsed > timeout)
            {
                throw new XunitException($"Timed out after {timeout.TotalSeconds} s waiting for {awaited}. Last seen:\n{value}");
            }

            await Task.Delay(Interval);
        }
    }
}
