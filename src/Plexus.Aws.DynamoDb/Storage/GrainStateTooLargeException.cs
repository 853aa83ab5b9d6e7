using Orleans.Runtime;

namespace Plexus.Aws.DynamoDb.Storage;

/// <summary>A grain state that is larger, after compression, than the storage's configured maximum; nothing was written.</summary>
public sealed class GrainStateTooLargeException(string message) : OrleansException(message);
