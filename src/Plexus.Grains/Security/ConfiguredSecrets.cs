using Microsoft.Extensions.Configuration;

namespace Plexus.Security;

/// <summary>
/// Every value configured as a secret, so that text about to leave the silo (log lines, audit records) can be
/// scrubbed of them. A setting is a secret by the last part of its key: the ones the options classes mark
/// <c>[Redact]</c> (<c>Key</c>, <c>ApiKey</c>, <c>ClusterSecret</c>, <c>SecretKey</c>, <c>Token</c>) and anything named
/// like a secret, token or password; plus the AWS credentials and the client key in the environment.
/// </summary>
/// <remarks>
/// Scrubbing is the net under the rules that keep secrets out in the first place (keys are never logged, options
/// print <c>(redacted)</c>, commands do not see the silo's environment): one place that catches whatever a message,
/// an exception or a future change would let through. Values shorter than <see cref="MinLength"/> are left alone, or
/// an emulator's <c>test</c> credentials would blank every "test" in the logs.
/// </remarks>
public sealed class ConfiguredSecrets
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Redacted = "(redacted)";

    /// <summary>The shortest value scrubbed.</summary>
    public const int MinLength = 8;

    private static readonly string[] SecretNames = ["Key", "ApiKey", "ClusterSecret", "SecretKey", "SecretAccessKey", "Token", "SessionToken", "Password"];
    private static readonly string[] SecretWords = ["secret", "password", "token"];
    private static readonly string[] SecretVariables = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "PLEXUS_API_KEY"];

    private readonly string[] _values;

    /// <summary>Collects the secrets of <paramref name="configuration"/> and of the process environment.</summary>
    public ConfiguredSecrets(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = configuration.AsEnumerable()
            .Where(entry => IsSecretKey(entry.Key))
            .Select(entry => entry.Value)
            .Concat(SecretVariables.Select(Environment.GetEnvironmentVariable));

        // Longest first, so a secret that contains another is replaced whole.
        _values = [.. values.OfType<string>().Where(v => v.Length >= MinLength).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length)];
    }

    /// <summary>Gets whether any secret is configured.</summary>
    public bool Any => _values.Length > 0;

    /// <summary>Gets whether the setting <paramref name="key"/> (e.g. <c>Plexus:Auth:Keys:ci:Key</c>) holds a secret.</summary>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = key[(key.LastIndexOf(':') + 1)..].Replace("__", "", StringComparison.Ordinal);
        return SecretNames.Contains(name, StringComparer.OrdinalIgnoreCase)
            || SecretWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase))
            || SecretVariables.Contains(name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Returns <paramref name="text"/> with every configured secret in it replaced by <see cref="Redacted"/>.</summary>
    public string Scrub(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var value in _values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, Redacted, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>Gets whether <paramref name="text"/> holds any configured secret.</summary>
    public bool Appear(string? text) => text is not null && _values.Any(value => text.Contains(value, StringComparison.Ordinal));
}
