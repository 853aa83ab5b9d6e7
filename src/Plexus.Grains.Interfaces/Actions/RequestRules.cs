using Plexus.Commands;

namespace Plexus.Actions;

/// <summary>
/// The one set of rules a dispatch must meet before anything is stored, checked alike by the command line, the client
/// library and the action grain (which never trusts its caller): the command string's syntax, the submitter, the
/// idempotency key, and every time span and retry setting within bounds. Whether the command names a catalog entry is
/// the grain's to check, against its silo's catalog.
/// </summary>
public static class RequestRules
{
    /// <summary>The longest run-time limit of an attempt: 30 days.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(30);

    /// <summary>The longest queue deadline: 365 days.</summary>
    public static readonly TimeSpan MaxExpires = TimeSpan.FromDays(365);

    /// <summary>The longest retention (100 years): beyond it "forever" is meant, and dates overflow.</summary>
    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(36500);

    /// <summary>The longest submitter name.</summary>
    public const int MaxSubmitterLength = 200;

    /// <summary>The most attempts an action may have.</summary>
    public const int MaxAttempts = 100;

    /// <summary>
    /// Throws <see cref="CommandRejectedException"/> when the command string breaks a rule of <see cref="CommandText"/>,
    /// and <see cref="PlexusException"/> naming the first other part of <paramref name="request"/> out of bounds.
    /// </summary>
    public static void Check(ActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Command is null)
        {
            throw new CommandRejectedException(CommandRules.Empty, "The command is empty: give a command name and its arguments.");
        }

        if (request.Steps is null)
        {
            CommandText.Split(request.Command);
        }
        else
        {
            if (StepsProblem(request) is { } stepsProblem)
            {
                throw new PlexusException(stepsProblem);
            }

            for (var i = 0; i < request.Steps.Count; i++)
            {
                CheckStep(request.Steps[i], i + 1);
            }
        }

        if (Problem(request) is { } problem)
        {
            throw new PlexusException(problem);
        }
    }

    /// <summary>Returns what is out of bounds in <paramref name="request"/> besides its command string; <see langword="null"/> when nothing is.</summary>
    public static string? Problem(ActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Submitter is not { Length: > 0 and <= MaxSubmitterLength } submitter || submitter.Any(char.IsControl) || string.IsNullOrWhiteSpace(submitter))
        {
            return $"The submitter must be 1 to {MaxSubmitterLength} characters without control characters.";
        }

        if (request.IdempotencyKey is { } key && IdempotencyKeys.Problem(key) is { } keyProblem)
        {
            return keyProblem;
        }

        return SpanProblem(request.Timeout, "timeout", MaxTimeout)
            ?? SpanProblem(request.Expires, "queue deadline (expires)", MaxExpires)
            ?? SpanProblem(request.Retention, "retention", MaxRetention)
            ?? RetryProblem(request.Retry);
    }

    // One bad step refuses the whole action; the message says which step it is.
    private static void CheckStep(string? command, int number)
    {
        try
        {
            if (command is null)
            {
                throw new CommandRejectedException(CommandRules.Empty, "The command is empty: give a command name and its arguments.");
            }

            CommandText.Split(command);
        }
        catch (CommandRejectedException rejected)
        {
            throw new CommandRejectedException(rejected.Rule, $"Step {number}: {rejected.Message}");
        }
    }

    private static string? StepsProblem(ActionRequest request) => request.Steps switch
    {
        null => null,
        { Count: 0 } => "The steps are empty: give at least one command, or none for an action of its command alone.",
        { Count: > ActionRequest.MaxSteps } steps => $"An action may have at most {ActionRequest.MaxSteps} steps; there are {steps.Count}.",
        [var first, ..] when first != request.Command =>
            "The first step must be the request's command: dispatch ActionRequest.Of(commands, submitter), or leave the steps out.",
        _ => null,
    };

    private static string? SpanProblem(TimeSpan? value, string what, TimeSpan max) => value switch
    {
        { } span when span <= TimeSpan.Zero => $"The {what} must be positive; it is {span.TotalSeconds} s.",
        { } span when span > max => $"The {what} may be at most {max.TotalDays:0} days; it is {span.TotalDays:0.###} days.",
        _ => null,
    };

    private static string? RetryProblem(RetryOverrides? retry) => retry switch
    {
        { MaxAttempts: < 1 or > MaxAttempts } => $"The number of attempts must be between 1 and {MaxAttempts}; it is {retry.MaxAttempts}.",
        { RetryExitCodes.Count: > 255 } => $"At most 255 retryable exit codes can be given; there are {retry.RetryExitCodes.Count}.",
        { RetryExitCodes: { } codes } when codes.Any(code => code is < 1 or > 255) =>
            $"Retryable exit codes must be between 1 and 255; got {string.Join(", ", codes.Where(code => code is < 1 or > 255).Take(5))}.",
        _ => null,
    };
}
