using System.Text.RegularExpressions;
using Plexus.Aws.Sqs.Streams;

namespace Plexus.Tests.Aws.Sqs;

/// <summary>Queue names follow SQS's rules whatever the prefix and provider name hold.</summary>
[Trait(Category.Name, Category.Aws)]
public sealed partial class SqsQueueNamesTests
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex StandardName();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,75}\.fifo$")]
    private static partial Regex FifoName();

    [Fact]
    public void Partition_PlainNames_JoinsPrefixProviderAndPartition() =>
        Assert.Equal("plexus-prod-commands-3", SqsQueueNames.Partition("plexus-prod", "commands", 3, fifo: false));

    [Fact]
    public void Partition_Fifo_EndsInFifoSuffix() =>
        Assert.Equal("plexus-commands-0.fifo", SqsQueueNames.Partition("plexus", "commands", 0, fifo: true));

    [Fact]
    public void DeadLetter_PlainNames_EndsInDlq() =>
        Assert.Equal("plexus-commands-dlq", SqsQueueNames.DeadLetter("plexus", "commands", fifo: false));

    [Theory]
    [InlineData("my.service/id", "commands", "my-service-id-commands-1")]
    [InlineData("a b:c", "x@y", "a-b-c-x-y-1")]
    [InlineData("Ünïcödé", "p", "-n-c-d--p-1")]
    public void Partition_CharactersSqsRejects_BecomeDashes(string prefix, string provider, string expected) =>
        Assert.Equal(expected, SqsQueueNames.Partition(prefix, provider, 1, fifo: false));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Partition_LongPrefix_IsCutToEightyCharactersKeepingPartitionAndSuffix(bool fifo)
    {
        var prefix = new string('p', 200);

        var name = SqsQueueNames.Partition(prefix, "commands", 123, fifo);

        Assert.Equal(80, name.Length);
        Assert.Matches(fifo ? FifoName() : StandardName(), name);
        Assert.EndsWith(fifo ? "-123.fifo" : "-123", name, StringComparison.Ordinal);
    }

    [Fact]
    public void Partition_LongPrefixesDifferingAtTheEnd_GiveDifferentNames()
    {
        var first = SqsQueueNames.Partition(new string('p', 100) + "-blue", "commands", 0, fifo: false);
        var second = SqsQueueNames.Partition(new string('p', 100) + "-green", "commands", 0, fifo: false);

        Assert.NotEqual(first, second);
        Assert.Matches(StandardName(), first);
        Assert.Matches(StandardName(), second);
    }

    [Fact]
    public void Partition_SameInput_GivesSameNameEveryTime() =>
        Assert.Equal(
            SqsQueueNames.Partition(new string('x', 120), "commands", 7, fifo: true),
            SqsQueueNames.Partition(new string('x', 120), "commands", 7, fifo: true));
}
