namespace Plexus.Tests.EndToEnd;

/// <summary>
/// The exit codes <c>plexus-client</c> documents. Written out rather than taken from the client's own constants:
/// they are a contract with scripts, so a changed constant must fail here.
/// </summary>
public static class ExitCode
{
    public const int Ok = 0;
    public const int InvalidInput = 64;
    public const int NotFound = 66;
    public const int Unavailable = 69;
}
