using System.Text;
using Plexus.Execution;
using Xunit;

namespace Plexus.Tests.Unit;

[Trait(Category.Name, Category.Unit)]
public sealed class CappedOutputTests
{
    // Printable ASCII whose value depends on the position, so a byte kept from the wrong offset shows.
    private static byte[] Pattern(int length, int seed = 0)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)('!' + ((i * 7 + seed) % 90));
        }

        return bytes;
    }

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

    // What one write of all of data keeps: chunked writes must keep the same (pinned by the written-out cases below).
    private static string OneBigWrite(byte[] data, int cap)
    {
        var output = new CappedOutput(cap);
        output.Write(data);
        return output.ToString();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(500)]
    [InlineData(1024)]
    public void Write_UpToTheCap_KeepsEverything(int length)
    {
        var data = Pattern(length);
        var output = new CappedOutput(1024);

        output.Write(data);

        Assert.Equal(Ascii(data), output.ToString());
        Assert.Equal(0, output.DroppedBytes);
        Assert.Equal(length, output.TotalBytes);
    }

    [Fact]
    public void Write_OverTheCap_KeepsHeadAndTailExactly()
    {
        var head = Enumerable.Repeat((byte)'H', 512).ToArray();
        var middle = Enumerable.Repeat((byte)'M', 10_000).ToArray();
        var tail = Enumerable.Repeat((byte)'T', 512).ToArray();
        var output = new CappedOutput(1024);

        output.Write([.. head, .. middle, .. tail]);

        Assert.Equal($"{new string('H', 512)}\n[… 10000 bytes dropped …]\n{new string('T', 512)}", output.ToString());
        Assert.Equal(10_000, output.DroppedBytes);
        Assert.Equal(11_024, output.TotalBytes);
    }

    [Theory]
    [InlineData(1024, 1025)]
    [InlineData(1024, 3000)]
    [InlineData(1025, 3000)]
    [InlineData(2, 3)]
    [InlineData(3, 100)]
    public void Write_OverTheCap_DropsTotalMinusCapAndSaysHowMany(int cap, int length)
    {
        var data = Pattern(length);
        var output = new CappedOutput(cap);

        output.Write(data);

        Assert.Equal(length - cap, output.DroppedBytes);
        Assert.Equal(length, output.TotalBytes);
        Assert.Contains($"\n[… {length - cap} bytes dropped …]\n", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, "0123456789", "0\n[… 7 bytes dropped …]\n89")]
    [InlineData(4, "0123456789", "01\n[… 6 bytes dropped …]\n89")]
    [InlineData(2, "abc", "a\n[… 1 bytes dropped …]\nc")]
    [InlineData(5, "hello", "hello")]
    public void Write_OddAndEvenCaps_KeepTheHalfRoundedDownAsHeadAndTheRestAsTail(int cap, string text, string kept)
    {
        var output = new CappedOutput(cap);

        output.Write(Encoding.ASCII.GetBytes(text));

        Assert.Equal(kept, output.ToString());
    }

    [Fact]
    public void Write_ManySmallWrites_GiveTheSameResultAsOneBigWrite()
    {
        int[] caps = [2, 3, 1024, 1025];
        int[] lengths = [0, 1, 511, 1024, 1025, 2049, 10_007];
        int[] chunkSizes = [1, 2, 3, 7, 100, 511, 512, 513, 1023, 1024, 1025, 4096];
        foreach (var cap in caps)
        {
            foreach (var length in lengths)
            {
                var data = Pattern(length, seed: cap);
                foreach (var chunkSize in chunkSizes)
                {
                    var output = new CappedOutput(cap);
                    for (var at = 0; at < length; at += chunkSize)
                    {
                        output.Write(data.AsSpan(at, Math.Min(chunkSize, length - at)));
                    }

                    var scenario = $"cap {cap}, length {length}, chunks of {chunkSize}";
                    Assert.True(OneBigWrite(data, cap) == output.ToString(), $"{scenario}: kept text differs");
                    Assert.True(Math.Max(0, length - cap) == output.DroppedBytes, $"{scenario}: dropped {output.DroppedBytes}");
                    Assert.True(length == output.TotalBytes, $"{scenario}: total {output.TotalBytes}");
                }
            }
        }
    }

    [Fact]
    public void Write_VaryingChunkSizes_GiveTheSameResultAsOneBigWrite()
    {
        var random = new Random(20240601);
        for (var round = 0; round < 200; round++)
        {
            var cap = random.Next(2, 300);
            var data = Pattern(random.Next(0, 2000), seed: round);
            var output = new CappedOutput(cap);
            var at = 0;
            while (at < data.Length)
            {
                var chunk = Math.Min(random.Next(0, 2 * cap), data.Length - at);
                output.Write(data.AsSpan(at, chunk));
                at += chunk;
            }

            Assert.True(OneBigWrite(data, cap) == output.ToString(), $"round {round}: cap {cap}, length {data.Length}: kept text differs");
        }
    }

    [Fact]
    public void Write_50MegabytesThroughOneKibibyte_StaysBounded()
    {
        const int total = 50 * 1024 * 1024;
        var chunk = Pattern(64 * 1024);
        var output = new CappedOutput(1024);
        var before = GC.GetAllocatedBytesForCurrentThread();

        for (var written = 0; written < total; written += chunk.Length)
        {
            output.Write(chunk);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"writing 50 MB allocated {allocated} bytes; the collector must not grow with its input");
        Assert.Equal(total, output.TotalBytes);
        Assert.Equal(total - 1024, output.DroppedBytes);
        var text = output.ToString();
        Assert.True(text.Length < 1024 + 100, $"the kept text is {text.Length} chars long");
        Assert.StartsWith(Ascii(chunk.AsSpan(0, 512)), text, StringComparison.Ordinal);
        Assert.EndsWith(Ascii(chunk.AsSpan(chunk.Length - 512)), text, StringComparison.Ordinal);
    }

    [Fact]
    public void New_WithALargeCap_AllocatesForTheOutputNotForTheCap()
    {
        const int cap = 1024 * 1024;
        var before = GC.GetAllocatedBytesForCurrentThread();

        var output = new CappedOutput(cap);
        output.Write("ok\n"u8);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4 * 1024, $"a 1 MiB collector holding 3 bytes allocated {allocated} bytes");
        Assert.Equal("ok\n", output.ToString());
    }

    [Fact]
    public void ToString_MultiByteText_DecodesUtf8()
    {
        var output = new CappedOutput(1024);

        output.Write(Encoding.UTF8.GetBytes("привет, мир"));

        Assert.Equal("привет, мир", output.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_CapBelowTwo_Throws(int maxBytes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CappedOutput(maxBytes));
    }
}
