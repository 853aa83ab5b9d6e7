using CsCheck;
using Plexus.Actions;
using Plexus.Audit;
using Plexus.Client;
using Plexus.Commands;
using Plexus.Queries;
using Plexus.Security;
using Plexus.Tests.Unit.Support;
using Xunit;

namespace Plexus.Tests.Unit;

/// <summary>
/// Property tests (CsCheck) of the command parser and the input validators: no input crashes them, every accepted
/// command string gives the argv meant, and every refusal is a <see cref="PlexusException"/> with a message.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class InputPropertyTests
{
    // Quotes, escapes and blanks are where a splitter goes wrong: they come far more often than in uniform text.
    private static readonly Gen<char> Tricky = Gen.Frequency(
        (3, Gen.Char["'\"\\ \t$`*?;|&<>()\n\r\0"]),
        (5, Gen.Char['a', 'z']),
        (2, Gen.Char));

    private static readonly Gen<string> Text = Tricky.Array[0, 40].Select(chars => new string(chars));

    private static readonly string[] Rules =
        [CommandRules.Empty, CommandRules.TooLong, CommandRules.ControlCharacter, CommandRules.Unbalanced, CommandRules.UnknownCommand];

    [Fact]
    public void Split_AnyText_ReturnsWordsOrRefusesNamingARule()
    {
        Text.Sample(text =>
        {
            try
            {
                var words = CommandText.Split(text);
                Assert.NotEmpty(words);
                Assert.All(words, word => Assert.DoesNotContain(word, c => char.IsControl(c) && c != '\t'));
            }
            catch (CommandRejectedException rejected)
            {
                Assert.Contains(rejected.Rule, Rules);
                Assert.False(string.IsNullOrWhiteSpace(rejected.Message));
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Resolve_QuotedWords_GiveTheCatalogArgumentsThenTheWordsAsArgv()
    {
        // Words of any printable text (quotes, backslashes and blanks included), each quoted the POSIX way.
        var word = Tricky.Where(c => !char.IsControl(c) || c == '\t').Array[0, 12].Select(chars => new string(chars));
        var definition = new CommandDefinition { Executable = "/bin/echo" };
        definition.Arguments.AddRange(["--fixed", "it's"]);
        var options = new ExecutionOptions();
        options.Commands["run"] = definition;
        var catalog = new CommandCatalog(new TestOptionsMonitor<ExecutionOptions>(options));

        word.Array[0, 8].Sample(words =>
        {
            var command = string.Join(' ', words.Select(Quote).Prepend("run"));

            var spec = catalog.Resolve(command);

            Assert.Equal(["--fixed", "it's", .. words], spec.Arguments);
            Assert.Equal("/bin/echo", spec.Executable);
        }, iter: 5_000);
    }

    [Fact]
    public void Check_AnyRequest_AcceptsOrRefusesWithAPlexusException()
    {
        Requests.Sample(request =>
        {
            try
            {
                RequestRules.Check(request);

                // Accepted: every part is within its bounds.
                Assert.NotNull(CommandText.Split(request.Command));
                Assert.Null(RequestRules.Problem(request));
            }
            catch (PlexusException refused)
            {
                Assert.False(string.IsNullOrWhiteSpace(refused.Message));
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Validators_AnyText_AnswerWithoutCrashing()
    {
        Gen.Select(Text, Gen.Int, Text).Sample((text, number, more) =>
        {
            _ = IdempotencyKeys.Problem(text);
            _ = new ActionQuery { Limit = number, Cursor = text, CommandPrefix = more, Submitter = more }.Problem();
            _ = new AuditQuery { Limit = number, Cursor = text, Actor = more }.Problem();
            _ = Roles.TryParse(text, out _);
            Refuses(() => ActionClient.ParseId(text));
            Refuses(() => TimeFilter.ParseSpan(text, "--retention"));
            Refuses(() => TimeFilter.Parse(text, "--since", DateTimeOffset.UnixEpoch));
        }, iter: 20_000);
    }

    /// <summary>Requests of every shape: text of any kind, spans of any length or sign, any numbers.</summary>
    internal static readonly Gen<ActionRequest> Requests =
        Gen.Select(
            Gen.OneOf(Text, Text.Select(rest => "echo " + rest)),
            Gen.OneOf(Text, Gen.Const("tests")).Null(0.05),
            Gen.Long.Select(TimeSpan.FromTicks).Nullable(0.5),
            Gen.Long.Select(TimeSpan.FromTicks).Nullable(0.5),
            Gen.Select(Gen.Int[-5, 200].Nullable(0.5), Gen.Int[-5, 300].Array[0, 4].Null(0.5))
                .Select((attempts, codes) => new RetryOverrides(attempts, null, codes)).Null(0.5),
            Text.Null(0.7),
            Gen.Long.Select(TimeSpan.FromTicks).Nullable(0.5))
        .Select((command, submitter, timeout, expires, retry, key, retention) =>
            new ActionRequest(command, submitter!, timeout, expires, retry, key, retention));

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void Refuses(Action parse)
    {
        try
        {
            parse();
        }
        catch (PlexusException refused)
        {
            Assert.False(string.IsNullOrWhiteSpace(refused.Message));
        }
    }
}
