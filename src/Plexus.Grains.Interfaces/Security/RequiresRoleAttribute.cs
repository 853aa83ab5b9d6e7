namespace Plexus.Security;

/// <summary>
/// The least role a client needs to call this contract method; the silo's call filter enforces it on every call.
/// Silo code (grains, the silo's own services) is not held to it. A client-facing method without one is refused to
/// every client that is not an admin.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class RequiresRoleAttribute(Role role) : Attribute
{
    /// <summary>Gets the least role the method needs.</summary>
    public Role Role { get; } = role;
}

/// <summary>
/// Marks a contract that only silo code may call (the worker protocol, the retention sweep): the silo's call filter
/// refuses it to every client, whatever its key.
/// </summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class SiloOnlyAttribute : Attribute;
