using Plexus.Actions;
using Microsoft.Extensions.Options;

namespace Plexus.Commands;

/// <summary>Fails silo start-up with a clear message when the execution settings cannot work.</summary>
public sealed class ExecutionOptionsValidator : IValidateOptions<ExecutionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ExecutionOptions options)
    {
        var failures = new List<string>();
        if (options.Concurrency < 1)
        {
            failures.Add($"Plexus:Concurrency (--concurrency) must be at least 1; it is {options.Concurrency}.");
        }

        if (options.MaxOutputBytes < 1024)
        {
            failures.Add($"Plexus:MaxOutputBytes must be at least 1024; it is {options.MaxOutputBytes}.");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(1))
        {
            failures.Add($"Plexus:LeaseDuration must be at least 1 second; it is {options.LeaseDuration}.");
        }

        if (options.RecoveryInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"Plexus:RecoveryInterval must be at least 1 second; it is {options.RecoveryInterval}.");
        }

        if (options.SubscriptionLifetime < TimeSpan.FromSeconds(1))
        {
            failures.Add($"Plexus:SubscriptionLifetime must be at least 1 second; it is {options.SubscriptionLifetime}.");
        }

        if (options.Retention <= TimeSpan.Zero || options.Retention > ExecutionOptions.MaxRetention)
        {
            failures.Add($"Plexus:Retention must be more than 0 and at most {ExecutionOptions.MaxRetention.TotalDays:0} days; it is {options.Retention}.");
        }

        if (options.RetentionSweepInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"Plexus:RetentionSweepInterval must be at least 0.1 second; it is {options.RetentionSweepInterval}.");
        }

        if (options.Retry.Problem() is { } retryProblem)
        {
            failures.Add($"Plexus:Retry: {retryProblem}");
        }

        foreach (var (commandName, definition) in options.Commands)
        {
            if (string.IsNullOrWhiteSpace(definition.Executable))
            {
                failures.Add($"Plexus:Commands:{commandName}:Executable is missing: say which program the '{commandName}' command runs.");
            }

            if (definition.Limits.MaxMemory is { } maxMemory && ByteSize.TryParse(maxMemory) is null)
            {
                failures.Add($"Plexus:Commands:{commandName}:Limits:MaxMemory '{maxMemory}' is not a size: give a number of bytes with a unit, such as 256MiB or 2GiB.");
            }

            if (definition.Limits.MaxCpuTime is { } maxCpu && maxCpu <= TimeSpan.Zero)
            {
                failures.Add($"Plexus:Commands:{commandName}:Limits:MaxCpuTime must be positive, such as 00:10:00; it is {maxCpu}.");
            }

            foreach (var role in definition.Roles.Where(role => !Security.Roles.TryParse(role, out _)))
            {
                failures.Add($"Plexus:Commands:{commandName}:Roles holds '{role}': use {Security.Roles.AllNames}.");
            }

            if (commandName.Length == 0 || commandName.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '\'' or '"' or '\\'))
            {
                failures.Add($"Plexus:Commands:'{commandName}' is not a usable command name: use one word without quotes or backslashes.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
