using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Plexus.Security;

/// <summary>One authenticated caller: the key's name (or the end user a service named) and its role.</summary>
/// <param name="Name">Who: the name of the key, or the end user a service key called for.</param>
/// <param name="Role">What it may do.</param>
public sealed record Caller(string Name, Role Role);

/// <summary>
/// The configured API keys, kept as SHA-256 hashes only. A presented key is hashed and compared with every configured
/// hash in constant time, so neither the answer's timing nor a log tells anything about the keys.
/// </summary>
public sealed partial class ApiKeys
{
    /// <summary>The shortest plain key accepted in configuration.</summary>
    public const int MinKeyLength = 16;

    private readonly (string Name, byte[] Hash, Role Role)[] _keys;

    /// <summary>Reads the keys of validated <paramref name="options"/>; logs a warning when there are none.</summary>
    public ApiKeys(IOptions<AuthOptions> options, ILogger<ApiKeys> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _keys =
        [
            .. options.Value.Keys.Select(entry => (
                entry.Key,
                entry.Value.Key is { Length: > 0 } key ? Hash(key) : Convert.FromHexString(entry.Value.KeyHash!),
                Roles.TryParse(entry.Value.Role, out var role) ? role : Role.Viewer)),
        ];
        if (_keys.Length == 0)
        {
            LogOpenAccess(logger);
        }
    }

    /// <summary>Gets whether any key is configured: then every client call needs one.</summary>
    public bool Required => _keys.Length > 0;

    /// <summary>Returns the caller <paramref name="presented"/> belongs to, or <see langword="null"/> for a key nobody has.</summary>
    public Caller? Authenticate(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        var hash = Hash(presented);
        Caller? found = null;

        // Every entry is compared, matched or not: the time taken does not say which one matched.
        foreach (var (name, expected, role) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                found = new Caller(name, role);
            }
        }

        return found;
    }

    /// <summary>
    /// Gets the role of the key named <paramref name="name"/>, or <see langword="null"/> when no key has that name: a
    /// session opened with a key lasts only as long as the key.
    /// </summary>
    public Role? RoleOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _keys.FirstOrDefault(key => key.Name == name) is { Name: not null } found ? found.Role : null;
    }

    /// <summary>Gets whether <paramref name="text"/> is a SHA-256 in hex.</summary>
    public static bool IsHash(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigit);

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "NO API KEYS ARE CONFIGURED: every caller that reaches this silo's gateway on loopback acts as the local admin. " +
        "Configure Plexus:Auth:Keys:<name>:Key (or :KeyHash) and :Role to require keys.")]
    private static partial void LogOpenAccess(ILogger logger);
}
