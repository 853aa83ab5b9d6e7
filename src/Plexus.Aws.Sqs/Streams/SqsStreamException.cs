using Orleans.Runtime;

namespace Plexus.Aws.Sqs.Streams;

/// <summary>An SQS stream could not send or set up a queue; the message says which queue and why.</summary>
[GenerateSerializer]
[Alias("plexus.aws.sqs.SqsStreamException")]
public sealed class SqsStreamException : OrleansException
{
    /// <summary>Initializes a new instance with a message.</summary>
    public SqsStreamException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the error that caused it.</summary>
    public SqsStreamException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
