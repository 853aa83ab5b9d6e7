using System.Globalization;
using System.Text;
using Xunit.Sdk;

namespace Plexus.Tests.EndToEnd;

/// <summary>What a finished process left behind: its exit code and everything it wrote.</summary>
/// <param name="Program">The program's file name, for messages.</param>
/// <param name="Arguments">The arguments it was given.</param>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Stdout">Everything it wrote to standard output.</param>
/// <param name="Stderr">Everything it wrote to standard error.</param>
/// <param name="Context">What else helps explain a failure (the silo's latest log lines), or empty.</param>
public sealed record ProcessResult(
    string Program, IReadOnlyList<string> Arguments, int ExitCode, string Stdout, string Stderr, string Context = "")
{
    /// <summary>Gets the command line as a reader would type it, with long or unprintable arguments shortened.</summary>
    public string CommandLine => Describe(Program, Arguments);

    /// <summary>Returns this result, or fails the test with everything the process wrote when it exited otherwise.</summary>
    public ProcessResult ShouldExit(int expected) =>
        ExitCode == expected ? this : throw new XunitException($"Expected exit code {expected}, got {ExitCode}.\n{this}");

    /// <summary>Formats a command line for a failure message.</summary>
    public static string Describe(string program, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Select(Quote).Prepend(Path.GetFileName(program)));

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{CommandLine} exited {ExitCode}")
            .AppendLine("--- stdout ---").AppendLine(Stdout)
            .AppendLine("--- stderr ---").AppendLine(Stderr);
        if (Context.Length > 0)
        {
            text.AppendLine("--- context ---").AppendLine(Context);
        }

        return text.ToString();
    }

    private static string Quote(string argument)
    {
        const int Shown = 60;
        var printable = string.Concat(argument.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
        if (printable.Length > Shown)
        {
            printable = $"{printable[..Shown]}…({argument.Length} chars)";
        }

        return printable.Length == 0 || printable.Any(c => c is ' ' or '\'' or '"') ? $"'{printable}'" : printable;
    }
}
