using Plexus.Actions;

namespace Plexus.Commands;

/// <summary>How a silo runs commands; bound from the <c>Plexus</c> configuration section.</summary>
public sealed class ExecutionOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Plexus";

    /// <summary>The default of <see cref="MaxOutputBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxOutputBytes = 1024 * 1024;

    /// <summary>
    /// Gets or sets how many commands this silo runs at once (<c>--concurrency</c>).
    /// Default is the number of processor cores.
    /// </summary>
    public int Concurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Gets the queues this silo serves, each with how many of its commands run at once (<c>--queues default=4,gpu=1</c>,
    /// or <c>Plexus:Queues:&lt;name&gt;</c> = concurrency). An entry is a queue name, <c>prefix/*</c> or <c>*</c>; the most
    /// specific matching entry takes a queue (see <see cref="Plexus.Queues.QueueNames"/>). Default is none set: the silo serves
    /// <c>default</c> with <see cref="Concurrency"/>.
    /// </summary>
    public Dictionary<string, int> Queues { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the entries this silo serves with their concurrency: <see cref="Queues"/>, or <c>default</c> with <see cref="Concurrency"/>.</summary>
    public IReadOnlyDictionary<string, int> ServedQueues =>
        Queues.Count > 0 ? Queues : new Dictionary<string, int> { [Plexus.Queues.QueueNames.Default] = Concurrency };

    /// <summary>
    /// Gets or sets how many actions one submitter may have queued at once (<c>Plexus:MaxQueuedPerSubmitter</c>); a
    /// dispatch beyond it is refused with "queue full" and nothing is stored. Default is none: no limit.
    /// </summary>
    public int? MaxQueuedPerSubmitter { get; set; }

    /// <summary>
    /// Gets or sets how long a stopping silo (SIGTERM) lets its running commands finish (<c>Plexus:DrainTimeout</c>);
    /// past it they are stopped (SIGTERM, <see cref="StopGracePeriod"/>, SIGKILL) and their actions queued again for
    /// another silo. Default is 15 seconds.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how often the silo's worker pool reports to the cluster's worker registry
    /// (<c>Plexus:WorkerHeartbeatInterval</c>); <c>plexus-client workers</c> drops a silo silent for three of them.
    /// Default is 5 seconds.
    /// </summary>
    public TimeSpan WorkerHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how many bytes of each output stream (stdout, stderr) are stored with the result;
    /// beyond it the head and the tail are kept and the dropped byte count is recorded. Default is 1 MiB.
    /// </summary>
    public int MaxOutputBytes { get; set; } = DefaultMaxOutputBytes;

    /// <summary>
    /// Gets or sets how long a stopped command (cancel, run-time limit) may take to exit after SIGTERM before its
    /// process tree is killed with SIGKILL (<c>Plexus:StopGracePeriod</c>). Default is 10 seconds.
    /// </summary>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the run-time limit of an attempt dispatched without <c>--timeout</c>
    /// (<c>Plexus:DefaultTimeout</c>). Default is none.
    /// </summary>
    public TimeSpan? DefaultTimeout { get; set; }

    /// <summary>
    /// Gets or sets how long a worker's hold on a running attempt lasts without news from it
    /// (<c>Plexus:LeaseDuration</c>). Workers renew it several times per period while the command runs; when it
    /// lapses the worker counts as lost and the retry policy decides. Default is 30 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often the silos' recovery sweep checks on every unfinished action, so it recovers after
    /// a silo crash or restart (<c>Plexus:RecoveryInterval</c>); also the period of the reminder an action keeps
    /// while its index entry is behind. Default is 1 minute.
    /// </summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long a watcher's subscription to an action lasts unless renewed
    /// (<c>Plexus:SubscriptionLifetime</c>); clients renew at a third of it. Default is 1 minute.
    /// </summary>
    public TimeSpan SubscriptionLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest retention an action may have (100 years): beyond it "forever" is meant, and dates overflow.</summary>
    public static readonly TimeSpan MaxRetention = RequestRules.MaxRetention;

    /// <summary>
    /// Gets or sets how long a finished action is kept (<c>Plexus:Retention</c>; per action <c>dispatch --retention</c>).
    /// Past it the action's request, output and result are removed, and so is its index entry; <c>status</c> then says
    /// when. Default is 30 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Gets or sets how often each silo looks for finished actions whose retention ran out
    /// (<c>Plexus:RetentionSweepInterval</c>). Default is 10 minutes.
    /// </summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets the retry policy of actions dispatched without changes to it (<c>Plexus:Retry:*</c>).</summary>
    public RetryPolicy Retry { get; set; } = new();

    /// <summary>
    /// Gets the command catalog: the name a dispatched string starts with, mapped to the program it runs
    /// (<c>Plexus:Commands:&lt;name&gt;:Executable</c>, …). Only names in the catalog can be dispatched.
    /// </summary>
    public Dictionary<string, CommandDefinition> Commands { get; } = new(StringComparer.Ordinal);
}

/// <summary>One entry of the command catalog.</summary>
public sealed class CommandDefinition
{
    /// <summary>
    /// Gets or sets the program to run: a path, or a bare name looked up first next to the silo's own
    /// binaries and then on <c>PATH</c>. Required.
    /// </summary>
    public string Executable { get; set; } = "";

    /// <summary>Gets the fixed leading arguments, placed before the dispatched ones. Default is none.</summary>
    public List<string> Arguments { get; } = [];

    /// <summary>
    /// Gets or sets the working directory of the process; only the catalog sets it, never a dispatch. Default is the
    /// silo's working directory.
    /// </summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// Gets the environment variables set for the process (<c>Plexus:Commands:&lt;name&gt;:Environment:&lt;VAR&gt;</c>), on top
    /// of a minimal environment (<c>PATH</c>, <c>HOME</c>, <c>LANG</c>, <c>TZ</c> and the like) and
    /// <see cref="PassThrough"/>: never the rest of the silo's own. Default is none.
    /// </summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets the names of the silo's own environment variables this command gets too
    /// (<c>Plexus:Commands:&lt;name&gt;:PassThrough:0</c>, …), e.g. <c>CUDA_VISIBLE_DEVICES</c>. Default is none.
    /// </summary>
    public List<string> PassThrough { get; } = [];

    /// <summary>
    /// Gets the roles that may dispatch this command (<c>Plexus:Commands:&lt;name&gt;:Roles:0</c>, …): a caller whose role
    /// covers any of them may (an admin covers all). Default is none: every role that may dispatch.
    /// </summary>
    public List<string> Roles { get; } = [];

    /// <summary>
    /// Gets what one run of this command may use (<c>Plexus:Commands:&lt;name&gt;:Limits:*</c>); a dispatch may ask
    /// for less, never more. Default is no limit.
    /// </summary>
    public CommandLimits Limits { get; } = new();
}

/// <summary>The resource limits of one catalog entry, as configured.</summary>
public sealed class CommandLimits
{
    /// <summary>
    /// Gets or sets the most resident memory (RSS) the command's whole process tree may hold at one time, such as
    /// <c>256MiB</c> or <c>2GiB</c> (<c>…:Limits:MaxMemory</c>). Default is none.
    /// </summary>
    public string? MaxMemory { get; set; }

    /// <summary>
    /// Gets or sets the most CPU time (user plus system) the command's whole process tree may use, such as
    /// <c>00:10:00</c> (<c>…:Limits:MaxCpuTime</c>). Default is none.
    /// </summary>
    public TimeSpan? MaxCpuTime { get; set; }

    /// <summary>Returns the limits in bytes and time, or null when none is set (an unreadable size counts as none; the validator refuses it).</summary>
    public ResourceLimits? ToLimits()
    {
        var limits = new ResourceLimits(ByteSize.TryParse(MaxMemory), MaxCpuTime);
        return limits.IsEmpty ? null : limits;
    }
}
