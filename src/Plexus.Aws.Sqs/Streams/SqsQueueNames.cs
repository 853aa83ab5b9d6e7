using System.Security.Cryptography;
using System.Text;

namespace Plexus.Aws.Sqs.Streams;

/// <summary>
/// Builds SQS queue names from a prefix, the provider name and a partition: 1 to 80 characters of
/// <c>[A-Za-z0-9_-]</c>, with <c>.fifo</c> at the end of FIFO queues only (and counted in the 80).
/// </summary>
public static class SqsQueueNames
{
    /// <summary>The longest SQS queue name.</summary>
    public const int MaxLength = 80;

    private const string FifoSuffix = ".fifo";

    // A cut name keeps 8 hex digits of a hash of the whole name, so two long prefixes that differ only near
    // their end still give two queues.
    private const int HashLength = 8;

    /// <summary>Gets the name of the queue of partition <paramref name="partition"/>.</summary>
    public static string Partition(string prefix, string provider, int partition, bool fifo) =>
        Build($"{prefix}-{provider}", $"-{partition}", fifo);

    /// <summary>
    /// Gets the name of the queue of partition <paramref name="partition"/> of the stream namespace <paramref name="streamNamespace"/>.
    /// A namespace that holds characters SQS does not allow is followed by a hash of it, so <c>a/b</c> and <c>a-b</c> get two queues.
    /// </summary>
    public static string NamespacePartition(string prefix, string provider, string streamNamespace, int partition, bool fifo)
    {
        var clean = Clean(streamNamespace);
        var stem = clean == streamNamespace ? clean : $"{clean}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(streamNamespace)))[..HashLength]}";
        return Build($"{prefix}-{provider}-{stem}", $"-{partition}", fifo);
    }

    /// <summary>Gets the name of the dead-letter queue shared by all partitions of a provider.</summary>
    public static string DeadLetter(string prefix, string provider, bool fifo) =>
        Build($"{prefix}-{provider}", "-dlq", fifo);

    /// <summary>
    /// Joins <paramref name="stem"/> and <paramref name="suffix"/> into a valid queue name: characters SQS does not
    /// allow become <c>-</c>, and a stem too long to fit is cut and marked with a hash of the whole stem.
    /// </summary>
    public static string Build(string stem, string suffix, bool fifo)
    {
        ArgumentException.ThrowIfNullOrEmpty(stem);
        var cleanSuffix = Clean(suffix);
        var room = MaxLength - cleanSuffix.Length - (fifo ? FifoSuffix.Length : 0);
        if (room <= HashLength + 1)
        {
            throw new ArgumentException($"The queue name suffix '{suffix}' leaves no room for a name.", nameof(suffix));
        }

        var cleanStem = Clean(stem);
        if (cleanStem.Length > room)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(stem)))[..HashLength];
            cleanStem = $"{cleanStem[..(room - HashLength - 1)]}-{hash}";
        }

        return cleanStem + cleanSuffix + (fifo ? FifoSuffix : "");
    }

    private static string Clean(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        }

        return builder.ToString();
    }
}
