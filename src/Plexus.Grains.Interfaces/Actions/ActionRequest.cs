namespace Plexus.Actions;

/// <summary>What a caller asks for when it dispatches an action.</summary>
/// <param name="Command">The command string: a catalog name followed by its arguments, split by POSIX shell-word rules.</param>
/// <param name="Submitter">Who dispatched it (user and host, or a service name).</param>
/// <param name="Timeout">The run-time limit of one attempt; <see langword="null"/> for the configured default.</param>
/// <param name="Expires">The queue deadline, from dispatch: an action not started by then ends <see cref="ActionStatus.Expired"/>.</param>
[GenerateSerializer, Alias("plexus.ActionRequest")]
public sealed record ActionRequest(
    [property: Id(0)] string Command,
    [property: Id(1)] string Submitter,
    [property: Id(2)] TimeSpan? Timeout = null,
    [property: Id(3)] TimeSpan? Expires = null);
