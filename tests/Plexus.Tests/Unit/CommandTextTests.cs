using Plexus.Commands;
using Xunit;

namespace Plexus.Tests.Unit;

[Trait(Category.Name, Category.Unit)]
public sealed class CommandTextTests
{
    [Theory]
    [InlineData("echo", new[] { "echo" })]
    [InlineData("echo hello world", new[] { "echo", "hello", "world" })]
    [InlineData("  echo   hello  ", new[] { "echo", "hello" })]
    [InlineData("echo\thello\t \tworld", new[] { "echo", "hello", "world" })]
    public void Split_PlainWords_SplitsOnRunsOfBlanksAndTabs(string text, string[] expected)
    {
        Assert.Equal(expected, CommandText.Split(text));
    }

    [Theory]
    [InlineData(@"echo 'a  b'", new[] { "echo", "a  b" })]
    [InlineData(@"echo 'a\nb'", new[] { "echo", @"a\nb" })]
    [InlineData(@"echo 'a\'", new[] { "echo", @"a\" })]
    [InlineData(@"echo 'say ""hi""'", new[] { "echo", @"say ""hi""" })]
    [InlineData(@"echo '$HOME `x` \$'", new[] { "echo", @"$HOME `x` \$" })]
    public void Split_SingleQuotes_KeepEverythingLiterallyIncludingBackslashes(string text, string[] expected)
    {
        Assert.Equal(expected, CommandText.Split(text));
    }

    [Theory]
    [InlineData(@"echo ""a  b""", new[] { "echo", "a  b" })]
    [InlineData(@"echo ""a\""b""", new[] { "echo", @"a""b" })]
    [InlineData(@"echo ""a\\b""", new[] { "echo", @"a\b" })]
    [InlineData(@"echo ""a\$b""", new[] { "echo", "a$b" })]
    [InlineData(@"echo ""a\`b""", new[] { "echo", "a`b" })]
    [InlineData(@"echo ""a\nb""", new[] { "echo", @"a\nb" })]
    [InlineData(@"echo ""a\'b""", new[] { "echo", @"a\'b" })]
    [InlineData(@"echo ""it's""", new[] { "echo", "it's" })]
    public void Split_DoubleQuotes_EscapeOnlyQuoteBackslashDollarAndBacktick(string text, string[] expected)
    {
        Assert.Equal(expected, CommandText.Split(text));
    }

    [Theory]
    [InlineData(@"echo a\ b", new[] { "echo", "a b" })]
    [InlineData(@"echo \'quoted\'", new[] { "echo", "'quoted'" })]
    [InlineData(@"echo \""x\""", new[] { "echo", @"""x""" })]
    [InlineData(@"echo \\", new[] { "echo", @"\" })]
    [InlineData(@"echo \n", new[] { "echo", "n" })]
    [InlineData("echo a\\\tb", new[] { "echo", "a\tb" })]
    public void Split_BackslashOutsideQuotes_KeepsTheNextCharacterLiterally(string text, string[] expected)
    {
        Assert.Equal(expected, CommandText.Split(text));
    }

    [Theory]
    [InlineData("echo ''", new[] { "echo", "" })]
    [InlineData(@"echo """"", new[] { "echo", "" })]
    [InlineData(@"echo '' x """"", new[] { "echo", "", "x", "" })]
    public void Split_EmptyQuotedArgument_GivesAnEmptyWord(string text, string[] expected)
    {
        Assert.Equal(expected, CommandText.Split(text));
    }

    [Theory]
    [InlineData(@"echo a'b c'""d""", new[] { "echo", "ab cd" })]
    [InlineData(@"echo pre''post", new[] { "echo", "prepost" })]
    [InlineData(@"echo ""a""'b'\ c", new[] { "echo", "ab c" })]
    public void Split_AdjacentQuotedParts_JoinIntoOneWord(string text, string[] expected)
    {
        Assert.Equal(expected, CommandText.Split(text));
    }

    [Theory]
    [InlineData("echo $HOME", "$HOME")]
    [InlineData("echo *", "*")]
    [InlineData("echo ~", "~")]
    [InlineData("echo $(x)", "$(x)")]
    [InlineData("echo `x`", "`x`")]
    [InlineData(@"echo ""$HOME""", "$HOME")]
    [InlineData("echo a;b", "a;b")]
    [InlineData("echo a|b", "a|b")]
    public void Split_ShellSyntax_IsNotExpanded(string text, string expectedArgument)
    {
        Assert.Equal(["echo", expectedArgument], CommandText.Split(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t \t")]
    public void Split_EmptyOrBlank_IsRejectedAsEmpty(string text)
    {
        var error = Assert.Throws<CommandRejectedException>(() => CommandText.Split(text));

        Assert.Equal(CommandRules.Empty, error.Rule);
        Assert.Contains("empty", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("echo 'abc", "single quote", 6)]
    [InlineData("echo ok 'a' 'b", "single quote", 13)]
    [InlineData(@"echo ""abc", "double quote", 6)]
    [InlineData(@"echo ""a\""", "double quote", 6)]
    [InlineData(@"echo abc\", "escape", 9)]
    public void Split_UnclosedQuoteOrTrailingBackslash_IsRejectedWithItsPosition(string text, string problem, int position)
    {
        var error = Assert.Throws<CommandRejectedException>(() => CommandText.Split(text));

        Assert.Equal(CommandRules.Unbalanced, error.Rule);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains($"position {position}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("echo a\0b", "U+0000", 7)]
    [InlineData("echo a\nb", "U+000A", 7)]
    [InlineData("echo a\rb", "U+000D", 7)]
    [InlineData("echo \u001b[31m", "U+001B", 6)]
    [InlineData("echo \u007f", "U+007F", 6)]
    [InlineData("echo '\n'", "U+000A", 7)]
    public void Split_ControlCharacter_IsRejectedNamingTheCharacter(string text, string codePoint, int position)
    {
        var error = Assert.Throws<CommandRejectedException>(() => CommandText.Split(text));

        Assert.Equal(CommandRules.ControlCharacter, error.Rule);
        Assert.Contains(codePoint, error.Message, StringComparison.Ordinal);
        Assert.Contains($"position {position}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_TabInsideQuotes_IsAllowedAndKept()
    {
        Assert.Equal(["echo", "a\tb"], CommandText.Split("echo 'a\tb'"));
    }

    [Fact]
    public void Split_ExactlyMaxBytes_IsAccepted()
    {
        var text = "echo " + new string('a', CommandText.MaxBytes - "echo ".Length);

        var words = CommandText.Split(text);

        Assert.Equal(2, words.Count);
        Assert.Equal(CommandText.MaxBytes - "echo ".Length, words[1].Length);
    }

    [Fact]
    public void Split_OneByteOverMaxBytes_IsRejectedAsTooLong()
    {
        var text = "echo " + new string('a', CommandText.MaxBytes - "echo ".Length + 1);

        var error = Assert.Throws<CommandRejectedException>(() => CommandText.Split(text));

        Assert.Equal(CommandRules.TooLong, error.Rule);
        Assert.Contains($"{CommandText.MaxBytes + 1} bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains($"limit is {CommandText.MaxBytes} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_MultiByteTextUnderCharLimitButOverByteLimit_IsRejectedAsTooLong()
    {
        // 'я' is two bytes in UTF-8: 40 000 of them are far under 64 Ki chars but over 64 KiB.
        var text = "echo " + new string('я', 40_000);
        Assert.True(text.Length < CommandText.MaxBytes, "precondition: the char count is under the limit");

        var error = Assert.Throws<CommandRejectedException>(() => CommandText.Split(text));

        Assert.Equal(CommandRules.TooLong, error.Rule);
        Assert.Contains($"{5 + (2 * 40_000)} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_NonAsciiWords_AreKeptIntact()
    {
        Assert.Equal(["echo", "привет мир", "日本"], CommandText.Split("echo 'привет мир' 日本"));
    }

    [Fact]
    public void Split_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => CommandText.Split(null!));
    }
}
