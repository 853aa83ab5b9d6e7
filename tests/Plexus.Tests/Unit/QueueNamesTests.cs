using Plexus.Queues;
using Plexus.Silo.Hosting;

namespace Plexus.Tests.Unit;

/// <summary>The queue-name rules and how a silo's entries match queues, as documented on <see cref="QueueNames"/>.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class QueueNamesTests
{
    [Theory]
    [InlineData("default")]
    [InlineData("gpu")]
    [InlineData("eval/accuracy")]
    [InlineData("eval/a/b-c_d")]
    [InlineData("0")]
    public void Problem_ValidName_None(string name) => Assert.Null(QueueNames.Problem(name));

    [Theory]
    [InlineData("")]
    [InlineData("GPU")]
    [InlineData("gpu box")]
    [InlineData("eval/")]
    [InlineData("/eval")]
    [InlineData("eval//x")]
    [InlineData("-gpu")]
    [InlineData("*")]
    [InlineData("eval/*")]
    [InlineData("gpu.fast")]
    public void Problem_InvalidName_SaysWhatIsAllowed(string name)
    {
        var problem = QueueNames.Problem(name);

        Assert.NotNull(problem);
        Assert.Contains("e.g. gpu or eval/accuracy", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_NameOverTheLimit_SaysTheLimit() =>
        Assert.Contains($"longer than {QueueNames.MaxLength}", QueueNames.Problem(new string('a', QueueNames.MaxLength + 1)), StringComparison.Ordinal);

    [Fact]
    public void Require_Null_IsTheDefaultQueue() => Assert.Equal(QueueNames.Default, QueueNames.Require(null));

    [Theory]
    [InlineData("*", null)]
    [InlineData("eval/*", null)]
    [InlineData("gpu", null)]
    [InlineData("eval/", "not valid")]
    [InlineData("*/eval", "not valid")]
    [InlineData("eval*", "not valid")]
    [InlineData("/*", "before '/*' must come a queue name")]
    public void PatternProblem_Table(string pattern, string? expected)
    {
        var problem = QueueNames.PatternProblem(pattern);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(expected, problem, StringComparison.Ordinal);
        }
    }

    // The matching table: which entry of a silo's list takes a queue (null: the silo does not serve it).
    [Theory]
    [InlineData("default", "default", "default")]
    [InlineData("default", "gpu", null)]
    [InlineData("eval/*", "eval/accuracy", "eval/*")]
    [InlineData("eval/*", "eval/a/b", "eval/*")]
    [InlineData("eval/*", "eval", null)]
    [InlineData("eval/*", "evaluation/x", null)]
    [InlineData("*", "anything/at/all", "*")]
    [InlineData("*,gpu", "gpu", "gpu")]
    [InlineData("*,eval/*", "eval/x", "eval/*")]
    [InlineData("eval/*,eval/slow/*", "eval/slow/big", "eval/slow/*")]
    [InlineData("eval/*,eval/slow", "eval/slow", "eval/slow")]
    [InlineData("eval/*,eval/slow/*,*", "eval/fast", "eval/*")]
    [InlineData("eval/*,gpu", "default", null)]
    public void BestMatch_Table(string entries, string queue, string? expected) =>
        Assert.Equal(expected, QueueNames.BestMatch(entries.Split(','), queue));

    [Fact]
    public void TakeQueues_FlagWithEntries_BecomesOneKeyPerEntryAndTheRestIsKept()
    {
        var (others, queues, error) = SiloCommandLine.TakeQueues(["--concurrency", "2", "--queues", "default=4, gpu=1", "--queues=eval/*=2"]);

        Assert.Null(error);
        Assert.Equal(["--concurrency", "2"], others);
        Assert.Equal(
            [new("Plexus:Queues:default", "4"), new("Plexus:Queues:gpu", "1"), new("Plexus:Queues:eval/*", "2")],
            queues);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("gpu=many")]
    [InlineData("=2")]
    public void TakeQueues_EntryWithoutConcurrency_ErrorNamesTheEntry(string value)
    {
        var (_, _, error) = SiloCommandLine.TakeQueues(["--queues", value]);

        Assert.NotNull(error);
        Assert.Contains("queue=concurrency", error, StringComparison.Ordinal);
    }
}
