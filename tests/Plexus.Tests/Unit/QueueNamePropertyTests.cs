using CsCheck;
using Plexus.Queues;
using Plexus.Silo.Hosting;

namespace Plexus.Tests.Unit;

/// <summary>
/// Property tests (CsCheck) of the queue-name rules and of <c>--queues</c>: no input crashes them, every accepted name
/// is kept as given and matches itself, and every refusal says which rule it broke.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class QueueNamePropertyTests
{
    // Separators, pattern characters and capitals are where the rules draw their lines: they come far more often here.
    private static readonly Gen<char> Tricky = Gen.Frequency(
        (4, Gen.Char["/*-_=,. AZ\t\0"]),
        (6, Gen.Char['a', 'z']),
        (2, Gen.Char['0', '9']),
        (1, Gen.Char));

    private static readonly Gen<string> Text = Tricky.Array[0, 80].Select(chars => new string(chars));

    private static readonly Gen<string> Part =
        Gen.Select(Gen.Char["abcxyz019"], Gen.Char["abz09-_"].Array[0, 10])
            .Select((first, rest) => first + new string(rest));

    /// <summary>Names the rules accept: parts of lowercase letters, digits, '-' and '_', joined by '/'.</summary>
    internal static readonly Gen<string> Names =
        Part.Array[1, 5].Select(parts => string.Join('/', parts)).Where(name => name.Length <= QueueNames.MaxLength);

    // Each refusal names one of these rules.
    private static readonly string[] RuleWords = ["cannot be empty", $"longer than {QueueNames.MaxLength} characters", "use lowercase letters, digits, '-' and '_'"];

    /// <summary>Text the rules refuse both as a queue name and as an entry a silo serves.</summary>
    internal static readonly Gen<string> Rejected = Gen.OneOf(Text, Names.Select(name => name + "/"), Names.Select(name => name.ToUpperInvariant() + "A"))
        .Where(text => QueueNames.Problem(text) is not null && QueueNames.PatternProblem(text) is not null);

    [Fact]
    public void Require_AnyText_ReturnsItOrRefusesNamingTheRule()
    {
        Text.Null(0.05).Sample(text =>
        {
            var problem = QueueNames.Problem(text);
            try
            {
                var queue = QueueNames.Require(text);

                // No name at all is the default queue; any name given is kept as it is.
                Assert.Equal(text ?? QueueNames.Default, queue);
                Assert.True(text is null || problem is null);
            }
            catch (PlexusException refused)
            {
                Assert.Equal(problem, refused.Message);
                Assert.Contains(RuleWords, rule => refused.Message.Contains(rule, StringComparison.Ordinal));
            }

            _ = QueueNames.PatternProblem(text);
            if (text is not null)
            {
                _ = QueueNames.Matches(text, text);
                _ = QueueNames.BestMatch([text, QueueNames.Everything], text);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Matches_AnyAcceptedName_MatchesItselfAndIsTakenByItsOwnEntry()
    {
        Gen.Select(Names, Part).Sample((name, child) =>
        {
            Assert.Equal(name, QueueNames.Require(name));
            Assert.Null(QueueNames.PatternProblem(name));
            Assert.Null(QueueNames.PatternProblem(name + "/*"));
            Assert.True(QueueNames.Matches(name, name));
            Assert.True(QueueNames.IsExact(name));
            Assert.False(QueueNames.Matches(name + "/*", name));
            Assert.True(QueueNames.Matches(name + "/*", name + "/" + child));
            Assert.Equal(name, QueueNames.BestMatch([QueueNames.Everything, name + "/*", name], name));
            Assert.Equal(name + "/*", QueueNames.BestMatch([QueueNames.Everything, name + "/*"], name + "/" + child));
        }, iter: 10_000);
    }

    [Fact]
    public void PatternProblem_AnyRejectedName_RefusesNamingTheRule()
    {
        Rejected.Sample(text =>
        {
            var problem = QueueNames.PatternProblem(text);

            Assert.NotNull(problem);
            Assert.Contains("queue", problem, StringComparison.Ordinal);
            Assert.Throws<PlexusException>(() => QueueNames.Require(text));
        }, iter: 10_000);
    }

    [Fact]
    public void TakeQueues_AnyArguments_GivesEntriesOrAnErrorNamingTheForm()
    {
        Gen.OneOf(Text, Gen.Const(SiloCommandLine.QueuesFlag), Text.Select(t => SiloCommandLine.QueuesFlag + "=" + t)).Array[0, 6].Sample(args =>
        {
            var (others, queues, error) = SiloCommandLine.TakeQueues(args);

            if (error is null)
            {
                Assert.All(queues, q => Assert.StartsWith("Plexus:Queues:", q.Key, StringComparison.Ordinal));
                Assert.All(others, other => Assert.Contains(other, args));
            }
            else
            {
                Assert.StartsWith($"plexus-silo: {SiloCommandLine.QueuesFlag} takes queue=concurrency entries", error, StringComparison.Ordinal);
                Assert.Empty(queues);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void TakeQueues_AcceptedEntries_RoundTripToOneKeyEach()
    {
        var entry = Gen.Select(Gen.OneOf(Names, Names.Select(n => n + "/*"), Gen.Const(QueueNames.Everything)), Gen.Int[1, 1000]);
        entry.Array[1, 6].Sample(entries =>
        {
            var value = string.Join(",", entries.Select(e => $"{e.Item1}={e.Item2}"));

            var (others, queues, error) = SiloCommandLine.TakeQueues(["--concurrency", "2", SiloCommandLine.QueuesFlag, value]);

            Assert.Null(error);
            Assert.Equal(["--concurrency", "2"], others);
            Assert.Equal(entries.Select(e => new KeyValuePair<string, string?>($"Plexus:Queues:{e.Item1}", e.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture))), queues);
            Assert.All(entries, e => Assert.Null(QueueNames.PatternProblem(e.Item1)));
        }, iter: 5_000);
    }
}
