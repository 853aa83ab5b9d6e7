using Plexus.Actions;
using Plexus.Client;

namespace Plexus.Tests.Cluster;

/// <summary>Waits on actions with a deadline and a message that says what was awaited.</summary>
public static class Waiting
{
    /// <summary>The longest any cluster test waits for one thing.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Waits until action <paramref name="id"/> is final and returns it.</summary>
    public static async Task<ActionSnapshot> FinalAsync(this ActionClient actions, Guid id)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        try
        {
            return await actions.WaitForFinalAsync(id, timeout.Token) ?? throw new InvalidOperationException($"Action {id} vanished.");
        }
        catch (OperationCanceledException)
        {
            var current = await actions.GetAsync(id);
            throw new TimeoutException($"Action {id} was not final within {Deadline}; it is {current?.Status}.");
        }
    }

    /// <summary>Asks for action <paramref name="id"/> until <paramref name="condition"/> holds for it, and returns it.</summary>
    public static async Task<ActionSnapshot> UntilAsync(this ActionClient actions, Guid id, Func<ActionSnapshot, bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var action = await actions.GetAsync(id) ?? throw new InvalidOperationException($"Action {id} vanished.");
            if (condition(action))
            {
                return action;
            }

            Assert.True(DateTime.UtcNow < until, $"Awaited {what}; action {id} is {action.Status} (attempt {action.Attempt}).");
            await Task.Delay(50);
        }
    }
}
