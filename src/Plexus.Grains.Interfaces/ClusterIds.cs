namespace Plexus;

/// <summary>The cluster and service identity silos and clients agree on.</summary>
public static class ClusterIds
{
    /// <summary>The Orleans cluster id.</summary>
    public const string ClusterId = "plexus";

    /// <summary>The Orleans service id: it keys durable state, so it stays the same across deployments.</summary>
    public const string ServiceId = "plexus";
}
