using Plexus.Actions;
using Plexus.Client;

namespace Plexus.Tests.Cluster;

/// <summary>Waits on actions through the client library, with <see cref="Poll.DefaultTimeout"/> and a message that says what was awaited.</summary>
public static class Waiting
{
    /// <summary>Waits until action <paramref name="id"/> is final (a long poll, not a loop) and returns it.</summary>
    public static async Task<ActionSnapshot> FinalAsync(this ActionClient actions, Guid id)
    {
        using var timeout = new CancellationTokenSource(Poll.DefaultTimeout);
        try
        {
            return await actions.WaitForFinalAsync(id, timeout.Token) ?? throw new InvalidOperationException($"Action {id} vanished.");
        }
        catch (OperationCanceledException)
        {
            var current = await actions.GetAsync(id);
            throw new TimeoutException($"Action {id} was not final within {Poll.DefaultTimeout}; it is {Describe(current)}.");
        }
    }

    /// <summary>Asks for action <paramref name="id"/> until <paramref name="condition"/> holds for it, and returns it.</summary>
    public static async Task<ActionSnapshot> UntilAsync(this ActionClient actions, Guid id, Func<ActionSnapshot, bool> condition, string what) =>
        (await Poll.UntilAsync(
            () => actions.GetAsync(id),
            action => action is not null && condition(action),
            Poll.DefaultTimeout,
            $"{what} (action {id})",
            Describe))!;

    /// <summary>What a failure message shows of an action: enough to see where it stands, not its whole output.</summary>
    public static string Describe(ActionSnapshot? action) => action is null
        ? "not found"
        : $"{action.Status}, attempt {action.Attempt}, version {action.Version}, worker {action.Worker?.Silo ?? "none"}, " +
          $"attempts [{string.Join(", ", action.Attempts.Select(a => $"#{a.Number} {a.Outcome}"))}]";
}
