using System.Collections;
using Plexus.Commands;

namespace Plexus.Execution;

/// <summary>
/// The environment a command starts with: a minimal one taken from the silo (where programs are, whose home, which
/// language and time zone), the variables its catalog entry passes through by name, then its entry's own
/// <see cref="ProcessSpec.Environment"/>. Never the rest of the silo's environment, which holds its secrets (AWS
/// credentials, tokens, API keys).
/// </summary>
public static class CommandEnvironment
{
    /// <summary>The silo's variables every command gets, when the silo has them; <c>LC_*</c> too.</summary>
    public static readonly IReadOnlyList<string> Minimal =
        ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TERM", "DOTNET_ROOT"];

    // PATH of a login shell, for a silo started without one.
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Returns the environment of <paramref name="spec"/> built from the silo's own <paramref name="silo"/> (by default the process's).</summary>
    public static Dictionary<string, string> For(ProcessSpec spec, IReadOnlyDictionary<string, string>? silo = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        silo ??= Current();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = DefaultPath };
        foreach (var (name, value) in silo)
        {
            if (Minimal.Contains(name) || name.StartsWith("LC_", StringComparison.Ordinal) || spec.PassThrough.Contains(name))
            {
                environment[name] = value;
            }
        }

        foreach (var (name, value) in spec.Environment)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>The variable that holds the id of the action a command runs for.</summary>
    public const string ActionIdVariable = "PLEXUS_ACTION_ID";

    /// <summary>The variable that holds the attempt number, from 1.</summary>
    public const string AttemptVariable = "PLEXUS_ATTEMPT";

    /// <summary>The variable that holds the step number, from 1.</summary>
    public const string StepVariable = "PLEXUS_STEP";

    /// <summary>The variable that names the empty folder whose files are kept with the action when the step ends.</summary>
    public const string ArtifactsDirVariable = "PLEXUS_ARTIFACTS_DIR";

    /// <summary>
    /// Returns <paramref name="spec"/> with what its command knows of its action on top of its entry's environment:
    /// <c>PLEXUS_ACTION_ID</c>, <c>PLEXUS_ATTEMPT</c>, <c>PLEXUS_STEP</c> and <c>PLEXUS_ARTIFACTS_DIR</c>. They win over a
    /// catalog entry's variables of the same name, so a command can trust them.
    /// </summary>
    public static ProcessSpec ForStep(ProcessSpec spec, Guid actionId, int attempt, int step, string artifactsDir)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal)
        {
            [ActionIdVariable] = actionId.ToString(),
            [AttemptVariable] = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [StepVariable] = step.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ArtifactsDirVariable] = artifactsDir,
        };
        return spec with { Environment = environment };
    }

    private static Dictionary<string, string> Current()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            variables[(string)variable.Key] = (string?)variable.Value ?? "";
        }

        return variables;
    }
}
