using Microsoft.Extensions.Options;

namespace Plexus.Security;

/// <summary>Fails silo start-up with one clear message when the API keys cannot work; never shows a key.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Keys.Count == 0 && options.RequireKeys)
        {
            failures.Add(
                "no API keys are configured, and this silo's gateway is reachable beyond loopback (the Aws profile): " +
                "add at least one under Plexus:Auth:Keys:<name>:Key (or :KeyHash, a SHA-256 hex) with :Role (" + Roles.AllNames + ").");
        }

        switch (options.ClusterSecret)
        {
            case null or "" when options.RequireClusterSecret:
                failures.Add(
                    $"{AuthOptions.SectionName}:ClusterSecret is not configured, and this silo's cluster spans processes (the Aws profile): " +
                    "give every silo the same secret of at least " + AuthOptions.MinClusterSecretLength + " characters (openssl rand -hex 32), never to clients.");
                break;
            case { Length: > 0 and < AuthOptions.MinClusterSecretLength }:
                failures.Add($"{AuthOptions.SectionName}:ClusterSecret is shorter than {AuthOptions.MinClusterSecretLength} characters: use a random one (openssl rand -hex 32).");
                break;
        }

        foreach (var (keyName, key) in options.Keys)
        {
            var prefix = $"{AuthOptions.SectionName}:Keys:{keyName}";
            switch (key.Key, key.KeyHash)
            {
                case (null or "", null or ""):
                    failures.Add($"{prefix} has neither Key nor KeyHash: give one.");
                    break;
                case ({ Length: > 0 }, { Length: > 0 }):
                    failures.Add($"{prefix} has both Key and KeyHash: give one.");
                    break;
                case ({ Length: > 0 and < ApiKeys.MinKeyLength }, _):
                    failures.Add($"{prefix}:Key is shorter than {ApiKeys.MinKeyLength} characters: use a random one (openssl rand -hex 32).");
                    break;
                case (_, { Length: > 0 } hash) when !ApiKeys.IsHash(hash):
                    failures.Add($"{prefix}:KeyHash is not a SHA-256 in hex (64 hex digits): make it with printf %s \"$KEY\" | sha256sum.");
                    break;
            }

            if (!Roles.TryParse(key.Role, out _))
            {
                failures.Add($"{prefix}:Role is '{key.Role}': use one of {Roles.AllNames}.");
            }

            if (keyName.Length == 0 || keyName.Length > 200 || keyName.Any(char.IsControl))
            {
                failures.Add($"{AuthOptions.SectionName}:Keys:'{keyName}' is not a usable name: it names the caller in the audit log.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
