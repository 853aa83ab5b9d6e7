namespace Plexus.Security;

/// <summary>A call was refused for its caller: no key, an unknown key, or a role that does not reach. Nothing changed.</summary>
[GenerateSerializer, Alias("plexus.AccessDeniedException")]
public sealed class AccessDeniedException : PlexusException
{
    /// <summary>Creates the error; <paramref name="message"/> names what is missing.</summary>
    public AccessDeniedException(string message) : base(message) { }
}
