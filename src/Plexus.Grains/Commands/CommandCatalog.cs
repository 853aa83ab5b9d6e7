using Microsoft.Extensions.Options;
using Plexus.Actions;
using Plexus.Execution;
using Plexus.Security;

namespace Plexus.Commands;

/// <summary>
/// A process to start: the program, its full argument list and its surroundings: its working directory (the silo's
/// when null), the variables set for it, the names of the silo's variables passed through to it (see
/// <see cref="CommandEnvironment"/>), and what its whole process tree may use (<see langword="null"/>: no limit).
/// </summary>
public sealed record ProcessSpec(
    string Executable,
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    ResourceLimits? Limits = null)
{
    /// <summary>Gets the names of the silo's own variables the process gets too. Default is none.</summary>
    public IReadOnlyList<string> PassThrough { get; init; } = [];
}

/// <summary>Turns a dispatched command string into the process the catalog says it runs.</summary>
public sealed class CommandCatalog(IOptionsMonitor<ExecutionOptions> options)
{
    /// <summary>Gets the names that can be dispatched, sorted.</summary>
    public IReadOnlyList<string> Names => [.. options.CurrentValue.Commands.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// Checks <paramref name="command"/> against every rule and the catalog; throws
    /// <see cref="CommandRejectedException"/> naming the broken rule.
    /// </summary>
    public void Validate(string command) => Resolve(command);

    /// <summary>Returns the catalog name <paramref name="command"/> starts with (its first word).</summary>
    public static string NameOf(string command) => CommandText.Split(command)[0];

    /// <summary>
    /// Returns the entries whose program cannot start on this silo, each with the reason a run would give. They stay
    /// in the catalog (another silo may have the program, or it may be installed later); a dispatch of one fails.
    /// </summary>
    public IReadOnlyList<(string Name, string Executable, string Problem)> Unrunnable() =>
    [
        .. options.CurrentValue.Commands
            .OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(entry => (entry.Key, entry.Value.Executable,
                ExecutableLocator.Prepare(new ProcessSpec(entry.Value.Executable, [], entry.Value.WorkingDirectory, entry.Value.Environment)).Problem))
            .Where(entry => entry.Problem is not null)
            .Select(entry => (entry.Key, entry.Executable, entry.Problem!)),
    ];

    /// <summary>
    /// Throws <see cref="AccessDeniedException"/> when <paramref name="command"/> (already validated) is limited to
    /// roles that <paramref name="caller"/> does not cover (<c>Plexus:Commands:&lt;name&gt;:Roles</c>).
    /// </summary>
    public void Authorize(string command, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var name = CommandText.Split(command)[0];
        var roles = options.CurrentValue.Commands[name].Roles;
        var allowed = roles.Select(text => Roles.TryParse(text, out var role) ? role : Role.Admin).ToList();
        if (allowed.Count > 0 && !allowed.Any(role => caller.Role.Covers(role)))
        {
            throw new AccessDeniedException(
                $"Access denied: the command '{name}' is for the {string.Join(" or ", allowed.Select(Roles.Name))} role; '{caller.Name}' has {caller.Role.Name()}.");
        }
    }

    /// <summary>Returns the process for <paramref name="command"/>, or throws <see cref="CommandRejectedException"/>.</summary>
    public ProcessSpec Resolve(string command)
    {
        var words = CommandText.Split(command);
        var commands = options.CurrentValue.Commands;
        if (!commands.TryGetValue(words[0], out var definition))
        {
            var allowed = commands.Count == 0 ? "none are configured" : "allowed: " + string.Join(", ", Names);
            throw new CommandRejectedException(CommandRules.UnknownCommand,
                $"Unknown command '{words[0]}' ({allowed}). Operators add commands under Plexus:Commands.");
        }

        return new ProcessSpec(
            // As configured: the runner finds a bare name beside the silo's binaries, then on PATH.
            definition.Executable,
            [.. definition.Arguments, .. words.Skip(1)],
            definition.WorkingDirectory,
            definition.Environment,
            definition.Limits.ToLimits())
        {
            PassThrough = definition.PassThrough,
        };
    }
}
