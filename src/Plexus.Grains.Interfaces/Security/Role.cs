namespace Plexus.Security;

/// <summary>What a caller may do. Each API key has one (<c>Plexus:Auth:Keys:&lt;name&gt;:Role</c>).</summary>
public enum Role
{
    /// <summary>Reads: get, list, watch, output of any action.</summary>
    Viewer,

    /// <summary>A viewer that may also dispatch, and cancel its own actions.</summary>
    Operator,

    /// <summary>Everything: other submitters' actions and the audit log included.</summary>
    Admin,

    /// <summary>
    /// A trusted backend (a dashboard) that may pass an end user's identity and role with a call, which then acts as
    /// that user. On its own it has the rights of an <see cref="Operator"/>.
    /// </summary>
    Service,
}

/// <summary>The rules between roles: which one covers which, and their names in configuration and messages.</summary>
public static class Roles
{
    /// <summary>Gets whether a caller with <paramref name="role"/> may do what <paramref name="required"/> allows.</summary>
    public static bool Covers(this Role role, Role required) => Rank(role) >= Rank(required);

    /// <summary>Returns the name used in configuration and messages: <c>viewer</c>, <c>operator</c>, <c>admin</c>, <c>service</c>.</summary>
    public static string Name(this Role role) => role.ToString().ToLowerInvariant();

    /// <summary>Reads a role name (the case does not matter); false for anything else, numbers included.</summary>
    public static bool TryParse(string? text, out Role role)
    {
        role = default;
        return text is { Length: > 0 } && !char.IsAsciiDigit(text[0]) && !text.StartsWith('-')
            && Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
    }

    /// <summary>The role names, for messages.</summary>
    public static string AllNames => string.Join(", ", Enum.GetValues<Role>().Select(Name));

    // A service acting on its own is an operator; only an admin reaches what an admin may do.
    private static int Rank(Role role) => role switch
    {
        Role.Viewer => 0,
        Role.Operator or Role.Service => 1,
        Role.Admin => 2,
        _ => -1,
    };
}
