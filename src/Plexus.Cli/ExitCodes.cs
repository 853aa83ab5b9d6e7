namespace Plexus.Cli;

/// <summary>
/// What <c>plexus-client</c> exits with. A synchronous <c>dispatch</c> exits with the command's own exit
/// code; the codes below are plexus-client's own (from BSD sysexits, above what commands commonly use).
/// </summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Invalid input: a bad option, a command the cluster refused, a malformed action id.</summary>
    public const int InvalidInput = 64;

    /// <summary>No action has the given id.</summary>
    public const int NotFound = 66;

    /// <summary>The cluster cannot be reached.</summary>
    public const int Unavailable = 69;

    /// <summary>The action ended without an exit code of its command (it could not start, or was stopped).</summary>
    public const int NoExitCode = 70;

    /// <summary>Access denied: no API key, a key the cluster does not know, or a role that does not allow the call.</summary>
    public const int AccessDenied = 77;

    /// <summary>Interrupted (Ctrl+C) while waiting; the action goes on.</summary>
    public const int Interrupted = 130;

    /// <summary>The table <c>--help</c> and the README show.</summary>
    public const string Description = """
        Exit codes:
          0    success (dispatch: the command exited 0)
          N    dispatch (synchronous): the command's own exit code
          64   invalid input: bad option, command refused by the cluster, malformed action id
          66   no action with that id
          69   cannot reach the cluster
          70   the action ended without an exit code (the program could not start, or it was stopped)
          77   access denied: no API key (--api-key-file, PLEXUS_API_KEY), an unknown key, or a role that does not allow it
          130  interrupted while waiting (the action goes on)
        """;
}
