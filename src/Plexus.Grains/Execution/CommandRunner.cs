using System.ComponentModel;
using CliWrap;
using Microsoft.Extensions.Options;
using Plexus.Commands;

namespace Plexus.Execution;

/// <summary>What became of one process: its exit code, or why it never ran, and its capped output.</summary>
public sealed record ProcessOutcome(int? ExitCode, string? StartError, CappedOutput Stdout, CappedOutput Stderr);

/// <summary>
/// Runs one process without a shell: standard input closed (a reader sees end-of-file at once), standard
/// output and error read concurrently into capped buffers so neither pipe can fill up and block the child.
/// </summary>
public sealed class CommandRunner(IOptionsMonitor<ExecutionOptions> options)
{
    /// <summary>Runs <paramref name="spec"/> to its end. Never throws for a program that cannot start.</summary>
    public async Task<ProcessOutcome> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var cap = options.CurrentValue.MaxOutputBytes;
        var stdout = new CappedOutput(cap);
        var stderr = new CappedOutput(cap);
        var command = Cli.Wrap(spec.Executable)
            .WithArguments(spec.Arguments)
            .WithEnvironmentVariables(spec.Environment.ToDictionary(e => e.Key, e => (string?)e.Value))
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(PipeTarget.Create(stdout.ReadFromAsync))
            .WithStandardErrorPipe(PipeTarget.Create(stderr.ReadFromAsync))
            .WithValidation(CommandResultValidation.None);
        if (spec.WorkingDirectory is { } workingDirectory)
        {
            command = command.WithWorkingDirectory(workingDirectory);
        }

        try
        {
            var result = await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return new ProcessOutcome(result.ExitCode, null, stdout, stderr);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or DirectoryNotFoundException)
        {
            return new ProcessOutcome(null, DescribeStartFailure(spec, ex), stdout, stderr);
        }
    }

    private static string DescribeStartFailure(ProcessSpec spec, Exception ex)
    {
        var cause = (ex.InnerException as Win32Exception ?? ex as Win32Exception)?.NativeErrorCode switch
        {
            2 => "the program was not found",
            13 => "permission denied (is it executable?)",
            _ => (ex.InnerException ?? ex).Message,
        };
        if (spec.WorkingDirectory is { } dir && !Directory.Exists(dir))
        {
            cause = $"its working directory '{dir}' does not exist";
        }

        return $"The command could not start '{spec.Executable}': {cause}.";
    }
}
