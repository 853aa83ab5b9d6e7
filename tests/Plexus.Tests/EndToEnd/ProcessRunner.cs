using CliWrap;
using CliWrap.Buffered;

namespace Plexus.Tests.EndToEnd;

/// <summary>Runs a program to its end with a deadline, so a hang fails the test with a message instead of blocking the run.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/> and returns what it did, whatever its exit code.
    /// Kills it and throws <see cref="TimeoutException"/> when it runs longer than <paramref name="timeout"/>.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var command = Cli.Wrap(program)
            .WithArguments(arguments)
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None);
        if (workingDirectory is not null)
        {
            command = command.WithWorkingDirectory(workingDirectory);
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            var result = await command.ExecuteBufferedAsync(deadline.Token);
            return new ProcessResult(program, arguments, result.ExitCode, result.StandardOutput, result.StandardError);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"{ProcessResult.Describe(program, arguments)} did not finish within {timeout.TotalSeconds} s and was killed.");
        }
    }
}
