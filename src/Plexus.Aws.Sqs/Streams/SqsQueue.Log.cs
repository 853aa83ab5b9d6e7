using Microsoft.Extensions.Logging;

namespace Plexus.Aws.Sqs.Streams;

internal sealed partial class SqsQueue
{
    [LoggerMessage(Level = LogLevel.Information, Message = "SQS queue {Name} ready at {Url}")]
    private partial void LogQueueReady(string name, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQS queue {Name} existed with other attributes; updated them at {Url}")]
    private partial void LogQueueUpdated(string name, string url);
}
