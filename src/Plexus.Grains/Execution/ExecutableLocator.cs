using Plexus.Commands;

namespace Plexus.Execution;

/// <summary>
/// Finds the file a command's executable names, the way the catalog documents it, and checks it can be run,
/// so a command that cannot start gets a clear reason before anything is spawned.
/// </summary>
internal static class ExecutableLocator
{
    /// <summary>
    /// Returns the absolute path of the program <paramref name="spec"/> runs, or why it cannot start: its working
    /// directory is missing, or <see cref="Locate"/> finds no program to run.
    /// </summary>
    public static (string? Path, string? Problem) Prepare(ProcessSpec spec)
    {
        if (spec.WorkingDirectory is { } directory && !Directory.Exists(directory))
        {
            return (null, $"its working directory '{directory}' does not exist");
        }

        return Locate(spec.Executable);
    }

    /// <summary>
    /// Returns the absolute path of <paramref name="executable"/>, or why there is none. A name holding '/' is a
    /// path (relative ones against the silo's working directory); a bare name is looked up next to the silo's
    /// own binaries, then in each <c>PATH</c> directory. Like a shell, the working directory is not searched.
    /// </summary>
    public static (string? Path, string? Problem) Locate(string executable)
    {
        if (string.IsNullOrEmpty(executable))
        {
            return (null, "no program was given");
        }

        if (executable.Contains('/', StringComparison.Ordinal))
        {
            return Check(Path.GetFullPath(executable));
        }

        string? problem = null;
        foreach (var directory in SearchDirectories())
        {
            var candidate = Path.GetFullPath(Path.Combine(directory, executable));
            if (!File.Exists(candidate))
            {
                continue;
            }

            // Like execvp: a match that cannot be run does not hide a later one that can.
            var (path, candidateProblem) = Check(candidate);
            if (path is not null)
            {
                return (path, null);
            }

            problem ??= candidateProblem;
        }

        return (null, problem ?? "the program was not found");
    }

    private static IEnumerable<string> SearchDirectories()
    {
        yield return AppContext.BaseDirectory;

        // An empty PATH entry would mean the working directory: skipped, as the working directory is not searched.
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return directory;
        }
    }

    private static (string? Path, string? Problem) Check(string path)
    {
        if (Directory.Exists(path))
        {
            return (null, "it is a directory, not a program");
        }

        if (!File.Exists(path))
        {
            return (null, "the program was not found");
        }

        return LinuxInterop.CanExecute(path) ? (path, null) : (null, "permission denied (is it executable?)");
    }
}
