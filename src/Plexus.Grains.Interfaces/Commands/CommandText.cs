using System.Text;

namespace Plexus.Commands;

/// <summary>
/// Splits a dispatched command string into words by POSIX shell-word rules: blanks separate words,
/// single quotes keep everything literally, double quotes keep everything but <c>\"</c>, <c>\\</c>,
/// <c>\$</c> and <c>\`</c>, and a backslash outside quotes keeps the next character. Nothing is expanded:
/// no globbing, no variables, no command substitution, no shell.
/// </summary>
public static class CommandText
{
    /// <summary>The longest accepted command string, in UTF-8 bytes (64 KiB).</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>
    /// Returns the words of <paramref name="text"/>, or throws <see cref="CommandRejectedException"/>
    /// naming the rule that was broken.
    /// </summary>
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxBytes)
        {
            throw new CommandRejectedException(CommandRules.TooLong,
                $"The command is {bytes} bytes long; the limit is {MaxBytes} bytes.");
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsControl(text[i]) && text[i] != '\t')
            {
                throw new CommandRejectedException(CommandRules.ControlCharacter,
                    $"The command contains the control character U+{(int)text[i]:X4} at position {i + 1}; " +
                    "only printable text, spaces and tabs are allowed.");
            }
        }

        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case ' ' or '\t':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }
                    break;
                case '\\':
                    if (i + 1 == text.Length)
                    {
                        throw Unbalanced($"The command ends with an unfinished escape '\\' at position {i + 1}.");
                    }
                    word.Append(text[++i]);
                    inWord = true;
                    break;
                case '\'':
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw Unbalanced($"The single quote at position {i + 1} is never closed.");
                    }
                    word.Append(text, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '"':
                    i = ReadDoubleQuoted(text, i, word);
                    inWord = true;
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        if (words.Count == 0)
        {
            throw new CommandRejectedException(CommandRules.Empty, "The command is empty: give a command name and its arguments.");
        }

        return words;
    }

    // Reads the double-quoted part opened at `open` into `word`; returns the index of the closing quote.
    private static int ReadDoubleQuoted(string text, int open, StringBuilder word)
    {
        for (var i = open + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                return i;
            }

            // Inside double quotes a backslash only escapes the characters the shell gives a meaning there.
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
            {
                c = text[++i];
            }

            word.Append(c);
        }

        throw Unbalanced($"The double quote at position {open + 1} is never closed.");
    }

    private static CommandRejectedException Unbalanced(string message) => new(CommandRules.Unbalanced, message);
}
