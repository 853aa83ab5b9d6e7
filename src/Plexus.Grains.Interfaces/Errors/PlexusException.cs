namespace Plexus;

/// <summary>The root of every error Plexus raises on purpose; its message is written for the user.</summary>
[GenerateSerializer, Alias("plexus.PlexusException")]
public class PlexusException : Exception
{
    /// <summary>Creates an error with a message for the user.</summary>
    public PlexusException(string message) : base(message) { }

    /// <summary>Creates an error with a message for the user and its cause.</summary>
    public PlexusException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>A dispatched command string was refused; nothing was stored.</summary>
[GenerateSerializer, Alias("plexus.CommandRejectedException")]
public sealed class CommandRejectedException : PlexusException
{
    /// <summary>Creates the error for the broken <paramref name="rule"/>.</summary>
    public CommandRejectedException(string rule, string message) : base(message) => Rule = rule;

    /// <summary>Gets the short, stable name of the broken rule (see <see cref="CommandRules"/>).</summary>
    [Id(0)] public string Rule { get; }
}

/// <summary>The names of the rules a command string must follow.</summary>
public static class CommandRules
{
    /// <summary>The command is empty or only blanks.</summary>
    public const string Empty = "empty";

    /// <summary>The command is longer than <see cref="Commands.CommandText.MaxBytes"/>.</summary>
    public const string TooLong = "too-long";

    /// <summary>The command holds NUL or another control character.</summary>
    public const string ControlCharacter = "control-character";

    /// <summary>A quote is never closed or the text ends inside an escape.</summary>
    public const string Unbalanced = "unbalanced-quote";

    /// <summary>The first word names no command of the catalog.</summary>
    public const string UnknownCommand = "unknown-command";
}

/// <summary>No action has the given id.</summary>
[GenerateSerializer, Alias("plexus.ActionNotFoundException")]
public sealed class ActionNotFoundException : PlexusException
{
    /// <summary>Creates the error for <paramref name="actionId"/>.</summary>
    public ActionNotFoundException(Guid actionId) : base($"Action {actionId} not found.") => ActionId = actionId;

    /// <summary>Gets the id that was looked for.</summary>
    [Id(0)] public Guid ActionId { get; }
}

/// <summary>A submitter already has as many queued actions as <c>Plexus:MaxQueuedPerSubmitter</c> allows; nothing was stored.</summary>
[GenerateSerializer, Alias("plexus.QueueFullException")]
public sealed class QueueFullException : PlexusException
{
    /// <summary>Creates the error for <paramref name="submitter"/>, who has <paramref name="queued"/> of at most <paramref name="limit"/>.</summary>
    public QueueFullException(string submitter, long queued, int limit)
        : base($"Queue full: {submitter} already has {queued} queued actions, the most Plexus:MaxQueuedPerSubmitter allows ({limit}). " +
               "Nothing was stored; dispatch again once some have started, or cancel some.")
    {
    }
}
