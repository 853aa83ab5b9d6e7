using Plexus.Actions;

namespace Plexus.Tests.Unit;

[Trait(Category.Name, Category.Unit)]
public sealed class RecentOutputTests
{
    private static OutputChunk Chunk(char c, int length) => new(1, "stdout", new string(c, length));

    [Fact]
    public void Add_PastTheLimit_DropsTheOldestChunksAndKeepsTheNewestWithinIt()
    {
        var recent = new RecentOutput();
        recent.Add(Chunk('a', RecentOutput.MaxChars / 2));
        recent.Add(Chunk('b', RecentOutput.MaxChars / 2));
        recent.Add(Chunk('c', 10));

        Assert.Equal("bc", string.Concat(recent.Chunks.Select(c => c.Text[0])));
        Assert.True(recent.Chunks.Sum(c => c.Text.Length) <= RecentOutput.MaxChars);
    }

    [Fact]
    public void Add_OneChunkAboveTheLimit_KeepsItAlone()
    {
        var recent = new RecentOutput();
        recent.Add(Chunk('a', 5));
        recent.Add(Chunk('b', RecentOutput.MaxChars + 1));

        Assert.Equal('b', Assert.Single(recent.Chunks).Text[0]);
    }

    [Fact]
    public void Clear_ForTheNextAttempt_StartsCountingAfresh()
    {
        var recent = new RecentOutput();
        recent.Add(Chunk('a', RecentOutput.MaxChars));
        recent.Clear();
        recent.Add(Chunk('b', RecentOutput.MaxChars / 2));
        recent.Add(Chunk('c', RecentOutput.MaxChars / 2));

        Assert.Equal("bc", string.Concat(recent.Chunks.Select(c => c.Text[0])));
    }
}
