using CliWrap;

namespace Plexus.Tests.EndToEnd;

/// <summary>Starts a server process and waits for the line it prints once it serves: how every long-running program here says it is up.</summary>
public static class ReadyProcess
{
    /// <summary>
    /// Runs <paramref name="command"/> until <paramref name="kill"/> is cancelled, handing every line it prints to
    /// <paramref name="append"/> (standard error marked), and returns it once a line starts with
    /// <paramref name="readyLine"/>. Returns the reason instead when it exits or stays silent past <paramref name="timeout"/>
    /// first; the caller kills it and fails with its output.
    /// </summary>
    public static async Task<(CommandTask<CommandResult> Process, string? Failure)> StartAsync(
        Command command, string readyLine, Action<string> append, TimeSpan timeout, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(append);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = command
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                append(line);
                if (line.StartsWith(readyLine, StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            }))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => append("stderr: " + line)))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(kill);

        var first = await Task.WhenAny(ready.Task, process.Task, Task.Delay(timeout));
        return first == ready.Task
            ? (process, null)
            : (process, first == process.Task
                ? $"exited with code {process.Task.Result.ExitCode} before it was ready"
                : $"did not print '{readyLine}' within {timeout.TotalSeconds} s");
    }
}
