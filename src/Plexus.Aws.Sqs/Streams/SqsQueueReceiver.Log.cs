using Microsoft.Extensions.Logging;

namespace Plexus.Aws.Sqs.Streams;

internal sealed partial class SqsQueueReceiver
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS queue {Queue} could not be found or created at start; reads will try again")]
    private partial void LogInitializeFailed(Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQS queue {Queue}: message {MessageId} received again (receive {ReceiveCount})")]
    private partial void LogRedelivered(string queue, string messageId, int receiveCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS queue {Queue}: deleting delivered messages failed; {Count} stay hidden and will be deleted on the next tick")]
    private partial void LogDeleteFailed(Exception exception, string queue, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQS queue {Queue}: released {Count} undelivered messages at shutdown")]
    private partial void LogReleased(string queue, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS queue {Queue}: cleaning up at shutdown failed; held messages become visible when their timeout lapses")]
    private partial void LogShutdownFailed(Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS queue {Queue}: delivery of message {MessageId} failed; it is let go for redelivery and, after the receive limit, the dead-letter queue")]
    private partial void LogReleasedAfterFailure(string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "SQS queue {Queue}: message {MessageId} moved to the dead-letter queue: {Problem}")]
    private partial void LogDeadLettered(string queue, string messageId, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "SQS queue {Queue}: message {MessageId} is unreadable ({Problem}) and could not be moved to the dead-letter queue; the redrive policy will move it")]
    private partial void LogDeadLetterFailed(Exception exception, string queue, string messageId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS queue {Queue}: keeping held messages hidden failed; trying again on the next tick")]
    private partial void LogKeepFailed(Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS queue {Queue}: message {MessageId} held for 12 h, SQS's limit; it becomes visible again")]
    private partial void LogHoldLimitReached(string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS queue {Queue}: {Count} visibility extensions refused ({Codes})")]
    private partial void LogExtendRefused(string queue, int count, string codes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQS queue {Queue}: kept {Count} held messages hidden")]
    private partial void LogExtended(string queue, int count);
}
