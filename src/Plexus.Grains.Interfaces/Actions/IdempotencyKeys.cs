using System.Security.Cryptography;
using System.Text;

namespace Plexus.Actions;

/// <summary>
/// An idempotency key names its action: the action id is derived from the key, so every dispatch with the
/// same key reaches the same action grain, which creates the action once and returns it afterwards. No index
/// to keep in step, the same on every storage backend.
/// </summary>
public static class IdempotencyKeys
{
    /// <summary>The longest key accepted, in characters.</summary>
    public const int MaxLength = 256;

    /// <summary>Gets the action id for <paramref name="key"/>: a version-8 (name-based) UUID from its SHA-256.</summary>
    public static Guid ActionId(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes("plexus/idempotency/" + key), hash);
        var bytes = hash[..16];

        // RFC 9562 version 8 and variant bits, in big-endian layout.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Describes what is wrong with <paramref name="key"/>, or returns <see langword="null"/> when it is usable.</summary>
    public static string? Problem(string key) => key switch
    {
        _ when string.IsNullOrWhiteSpace(key) => "The idempotency key is empty.",
        { Length: > MaxLength } => $"The idempotency key is {key.Length} characters long; at most {MaxLength} are allowed.",
        _ when key.Any(char.IsControl) => "The idempotency key holds a control character.",
        _ => null,
    };
}
