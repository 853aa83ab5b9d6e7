using System.Diagnostics;
using Xunit.Sdk;

namespace Plexus.Tests;

/// <summary>
/// The one way a test waits for a state: ask again until it holds or a deadline passes, then fail saying what was
/// awaited and what was last seen. Tests never sleep to wait for a state.
/// </summary>
public static class Poll
{
    /// <summary>The longest a test waits for one thing unless it says otherwise: far above what any wait here needs on a quiet machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Calls <paramref name="probe"/> until <paramref name="done"/> holds for its value and returns that value; fails the
    /// test naming <paramref name="awaited"/> and the last value (through <paramref name="describe"/>, else its
    /// <c>ToString</c>) when <paramref name="timeout"/> passes first.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> probe,
        Func<T, bool> done,
        TimeSpan timeout,
        string awaited,
        Func<T, string>? describe = null,
        TimeSpan? interval = null)
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
                var seen = describe is null ? value?.ToString() ?? "null" : describe(value);
                throw new XunitException($"Timed out after {timeout.TotalSeconds} s waiting for {awaited}. Last seen: {seen}");
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }
}
