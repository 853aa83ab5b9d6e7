namespace Plexus.Tests.EndToEnd;

/// <summary>
/// The exit codes <c>plexus-client</c> documents. Written out rather than taken from the client's own constants:
/// they are a contract with scripts, so a changed constant must fail here.
/// </summary>
public static class ExitCode
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>A bad option, a command the cluster refused, a malformed action id.</summary>
    public const int InvalidInput = 64;

    /// <summary>No action has the given id.</summary>
    public const int NotFound = 66;

    /// <summary>The cluster cannot be reached.</summary>
    public const int Unavailable = 69;

    /// <summary>The action ended without an exit code of its command: the program could not start, or it was stopped.</summary>
    public const int NoExitCode = 70;

    /// <summary>Access denied: no API key, an unknown key, or a role that does not allow the call.</summary>
    public const int AccessDenied = 77;

    /// <summary>Interrupted (SIGINT) while waiting; the action goes on.</summary>
    public const int Interrupted = 130;
}
