using Microsoft.Extensions.Logging;

namespace Plexus.Execution;

public sealed partial class CommandRunner
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping {Executable} (pid {Pid}): SIGTERM to its process tree, SIGKILL after {GracePeriodMs:F0} ms")]
    private partial void LogStopping(string executable, int pid, double gracePeriodMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Executable} (pid {Pid}) did not exit within its grace period of {GracePeriodMs:F0} ms; killing its process tree")]
    private partial void LogGraceExpired(string executable, int pid, double gracePeriodMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} process(es) left behind by {Executable} (pid {Pid}) were still running when it exited; killed")]
    private partial void LogLeftoversKilled(int count, string executable, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} process(es) of {Executable} (pid {Pid}) still run {KillTimeoutMs:F0} ms after SIGKILL (uninterruptible sleep?); the run ends without them")]
    private partial void LogKillFailed(int count, string executable, int pid, double killTimeoutMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The output pipes of {Executable} (pid {Pid}) stay open after its process tree was killed: a process that left the tree holds them; the rest of its output is dropped")]
    private partial void LogOutputAbandoned(string executable, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live output receiver of {Executable} (pid {Pid}) threw; live output was switched off for this run, capturing went on")]
    private partial void LogReceiverFailed(Exception exception, string executable, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Executable} (pid {Pid}) exceeded its {Limit}; its process tree was killed")]
    private partial void LogLimitExceeded(string executable, int pid, string limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run of {Executable} (pid {Pid}) aborted; its process tree was killed")]
    private partial void LogAborted(string executable, int pid);
}
