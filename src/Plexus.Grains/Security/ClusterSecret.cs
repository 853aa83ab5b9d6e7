using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Plexus.Security;

/// <summary>
/// The secret that tells silo code apart from clients: every call a silo makes to a grain carries it
/// (<see cref="SiloCallStamp"/>), and <see cref="RoleFilter"/> treats a call as silo code only when it does. Clients never
/// see it: it is never sent to a client, and it is removed from a call before the grain runs.
/// </summary>
/// <remarks>
/// Orleans does not tie the sender a message names to the connection it came on, so a hand-built client can claim to
/// be a grain or a silo's hosted client; it cannot present a secret it never received. The value is
/// <see cref="AuthOptions.ClusterSecret"/> when configured (every silo of a cluster must share it), else a random one
/// made once per process, enough for the embedded default's single silo and for in-process test clusters.
/// </remarks>
public sealed class ClusterSecret
{
    /// <summary>The request-context key a silo's grain calls carry the secret under.</summary>
    public const string RequestContextKey = "plexus.silo-secret";

    /// <summary>The shortest secret accepted in configuration.</summary>
    public const int MinLength = AuthOptions.MinClusterSecretLength;

    private static readonly string ProcessSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    private readonly string _value;
    private readonly byte[] _hash;

    /// <summary>Takes the configured secret of validated <paramref name="options"/>, else this process's own.</summary>
    public ClusterSecret(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _value = options.Value.ClusterSecret is { Length: > 0 } configured ? configured : ProcessSecret;
        _hash = Hash(_value);
    }

    /// <summary>Adds the secret to the current request context, for the grain call about to be made.</summary>
    public void Stamp() => RequestContext.Set(RequestContextKey, _value);

    /// <summary>
    /// Removes whatever the current call carries under <see cref="RequestContextKey"/> and says whether that was the
    /// secret (compared in constant time), something else, or nothing.
    /// </summary>
    public SecretCheck TakeAndCheck()
    {
        var presented = RequestContext.Get(RequestContextKey);
        if (presented is null)
        {
            return SecretCheck.None;
        }

        RequestContext.Remove(RequestContextKey);
        return presented is string text && CryptographicOperations.FixedTimeEquals(Hash(text), _hash) ? SecretCheck.Valid : SecretCheck.Wrong;
    }

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}

/// <summary>What a call carried under <see cref="ClusterSecret.RequestContextKey"/>.</summary>
public enum SecretCheck
{
    /// <summary>Nothing: a client's call.</summary>
    None = 0,

    /// <summary>The cluster secret: silo code.</summary>
    Valid = 1,

    /// <summary>Something else: a forgery, or a silo configured with another cluster's secret.</summary>
    Wrong = 2,
}
