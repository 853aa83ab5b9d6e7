namespace Plexus.Client;

/// <summary>The cluster could not be reached (no silo listens at the gateway, or it went away mid-call).</summary>
public sealed class ClusterUnavailableException(string message, Exception? innerException = null)
    : PlexusException(message, innerException ?? new InvalidOperationException(message));
