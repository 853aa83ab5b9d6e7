namespace Plexus.Security;

/// <summary>Who may call the cluster; bound from the <c>Plexus:Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Plexus:Auth";

    /// <summary>The shortest <see cref="ClusterSecret"/> accepted in configuration.</summary>
    public const int MinClusterSecretLength = 32;

    /// <summary>
    /// Gets the API keys, by name (<c>Plexus:Auth:Keys:&lt;name&gt;:Key</c> or <c>:KeyHash</c>, and <c>:Role</c>). The name
    /// is the caller's identity: the submitter of what it dispatches and the actor in the audit log. Default is none:
    /// then every caller that reaches the gateway on loopback is the local admin.
    /// </summary>
    public Dictionary<string, ApiKeyOptions> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets whether the silo refuses to start without keys (<c>Plexus:Auth:RequireKeys</c>). The <c>Aws</c>
    /// profile and any gateway reachable beyond loopback set it. Default is <see langword="false"/>.
    /// </summary>
    public bool RequireKeys { get; set; }

    /// <summary>
    /// Gets or sets the secret every silo of the cluster stamps its own grain calls with (<c>Plexus:Auth:ClusterSecret</c>),
    /// so no client can pass for silo code: at least 32 characters (<c>openssl rand -hex 32</c>), the same on every silo,
    /// never given to clients. Default is none: then each process makes its own, which suits the embedded default's single
    /// silo; the <c>Aws</c> profile refuses to start without one. Never logged.
    /// </summary>
    [Redact]
    public string? ClusterSecret { get; set; }

    /// <summary>
    /// Gets or sets whether the silo refuses to start without <see cref="ClusterSecret"/> (<c>Plexus:Auth:RequireClusterSecret</c>).
    /// The <c>Aws</c> profile, whose silos run in separate processes, sets it. Default is <see langword="false"/>.
    /// </summary>
    public bool RequireClusterSecret { get; set; }
}

/// <summary>One API key: the secret (or its hash) and the role it grants.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Gets or sets the key itself. Give this or <see cref="KeyHash"/>, not both. Never logged.</summary>
    [Redact]
    public string? Key { get; set; }

    /// <summary>
    /// Gets or sets the SHA-256 of the key as 64 hex digits (<c>printf %s "$KEY" | sha256sum</c>), so the plain key
    /// need not sit in the configuration. Give this or <see cref="Key"/>, not both.
    /// </summary>
    public string? KeyHash { get; set; }

    /// <summary>Gets or sets the role the key grants: <c>viewer</c>, <c>operator</c>, <c>admin</c> or <c>service</c>. Required.</summary>
    public string? Role { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"role {Role}, key {(Key is null ? "hash" : "(redacted)")}";
}
