using System.Diagnostics;
using System.Text;
using Plexus.Progress;
using Xunit;

namespace Plexus.Tests.Unit;

[Trait(Category.Name, Category.Unit)]
public sealed class ProgressParserTests
{
    // Generous: a process that takes this long is hung, and the test must fail rather than hang.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    // Everything the parser knows, with ordinary output in between and every kind of line end, so that cutting
    // it anywhere has something to break: a protocol line, a quoted value, a tqdm redraw, a multi-byte bar.
    private const string Mixed =
        "Loading the model…\n" +
        "::plexus stage=Setup\r\n" +
        "::plexus stage=\"Data loading\" processed=3 total=10 message=\"read \\\"a.csv\\\"\"\n" +
        "\rEvaluating:   0%|          | 0/4 [00:00<?, ?it/s]" +
        "\rEvaluating:  25%|██▌       | 1/4 [00:00<00:01,  2.99it/s, loss=0.91]" +
        "\rEvaluating:  50%|█████     | 2/4 [00:00<00:00,  3.01it/s, loss=0.52]" +
        "\rEvaluating: 100%|██████████| 4/4 [00:01<00:00,  3.02it/s, loss=0.30]\n" +
        "warning: 45% of rows were empty\r\n" +
        "\r1.50kit [00:01, 1.00kit/s]\r3.00kit [00:02, 1.00kit/s]\n" +
        "::plexus stage=Broken processed=x\n" +
        "\u001b[32m 45%|####5     | 45/100 [00:01<00:02, 30.1it/s]\u001b[0m\r\n" +
        "::plexus stage=Analysis message=almost";

    private static readonly ProgressUpdate[] MixedUpdates =
    [
        new("Setup", null, null, null),
        new("Data loading", 3, 10, "read \"a.csv\""),
        new("Evaluating", 0, 4, null),
        new("Evaluating", 1, 4, "loss=0.91"),
        new("Evaluating", 2, 4, "loss=0.52"),
        new("Evaluating", 4, 4, "loss=0.30"),
        new(ProgressParser.DefaultStage, 1500, null, null),
        new(ProgressParser.DefaultStage, 3000, null, null),
        new(ProgressParser.DefaultStage, 45, 100, null),
        new("Analysis", null, null, "almost"),
    ];

    private static List<ProgressUpdate> FeedAll(ProgressParser parser, IEnumerable<string> chunks)
    {
        var updates = new List<ProgressUpdate>();
        foreach (var chunk in chunks)
        {
            updates.AddRange(parser.Feed(chunk));
        }

        updates.AddRange(parser.Flush());
        return updates;
    }

    private static ProgressUpdate? Single(string line)
    {
        var updates = FeedAll(new ProgressParser(), [line + "\n"]);
        Assert.True(updates.Count <= 1, $"one line gave {updates.Count} updates");
        return updates.SingleOrDefault();
    }

    // ---- The ::plexus protocol ----

    [Fact]
    public void Feed_ProtocolStageOnly_ReportsTheStageStarted()
    {
        Assert.Equal(new ProgressUpdate("Setup", null, null, null), Single("::plexus stage=Setup"));
    }

    [Theory]
    [InlineData("::plexus stage=Processing processed=450 total=2000 message=items")]
    [InlineData("::plexus total=2000 message=items processed=450 stage=Processing")]
    [InlineData("::plexus\tmessage=items   processed=450\ttotal=2000 stage=Processing  ")]
    [InlineData("  ::plexus stage=\"Processing\" processed=\"450\" total=2000 message=\"items\"")]
    public void Feed_ProtocolKeysInAnyOrder_ReportsAllOfThem(string line)
    {
        Assert.Equal(new ProgressUpdate("Processing", 450, 2000, "items"), Single(line));
    }

    [Theory]
    [InlineData("::plexus stage=Download total=300", null, 300L)]
    [InlineData("::plexus stage=Download processed=12", 12L, null)]
    [InlineData("::plexus stage=Download processed=0 total=0", 0L, 0L)]
    [InlineData("::plexus stage=Download processed=350 total=300", 350L, 300L)]
    [InlineData("::plexus stage=Download processed=9223372036854775807", long.MaxValue, null)]
    public void Feed_ProtocolNumbers_AreReportedAsGiven(string line, long? processed, long? total)
    {
        Assert.Equal(new ProgressUpdate("Download", processed, total, null), Single(line));
    }

    [Theory]
    [InlineData("::plexus stage=\"Data loading\" message=\"say \\\"hi\\\" to C:\\\\tmp\"", "Data loading", "say \"hi\" to C:\\tmp")]
    [InlineData("::plexus stage=\"  padded  \" message=\"  kept  \"", "padded", "  kept  ")]
    [InlineData("::plexus stage=A message=\"a\\nb \\x\"", "A", "a\\nb \\x")]
    [InlineData("::plexus stage=A message=\"key=value \\\"quoted\\\" = fine\"", "A", "key=value \"quoted\" = fine")]
    [InlineData("::plexus stage=A message=it\"s", "A", "it\"s")]
    [InlineData("::plexus stage=A message=\"\"", "A", null)]
    [InlineData("::plexus stage=A message=", "A", null)]
    [InlineData("::plexus stage=Ünïcødé message=\"✓ 3 files\"", "Ünïcødé", "✓ 3 files")]
    public void Feed_ProtocolQuotedAndBareValues_AreUnescaped(string line, string stage, string? message)
    {
        Assert.Equal(new ProgressUpdate(stage, null, null, message), Single(line));
    }

    [Fact]
    public void Feed_LineFromTheDocumentedPythonHelper_IsParsed()
    {
        // docs/progress.md's plexus("Data loading", 3, 10, 'read "a.csv"\nfrom C:\\tmp') prints exactly this.
        var line = "::plexus stage=\"Data loading\" processed=3 total=10 message=\"read \\\"a.csv\\\" from C:\\\\tmp\"";

        Assert.Equal(new ProgressUpdate("Data loading", 3, 10, "read \"a.csv\" from C:\\tmp"), Single(line));
    }

    [Theory]
    [InlineData("::plexus stage=Setup eta=12 future.key=\"x y\" x-y=1")]
    [InlineData("::plexus colour=red stage=Setup colour=blue")]
    public void Feed_ProtocolUnknownKeys_AreIgnored(string line)
    {
        Assert.Equal(new ProgressUpdate("Setup", null, null, null), Single(line));
    }

    [Theory]
    [InlineData("::plexus")]
    [InlineData("::plexus ")]
    [InlineData("::plexus processed=1 total=2")]
    [InlineData("::plexus stage=")]
    [InlineData("::plexus stage=\"   \"")]
    [InlineData("::plexus stage=A processed=x")]
    [InlineData("::plexus stage=A processed=-1")]
    [InlineData("::plexus stage=A processed=+1")]
    [InlineData("::plexus stage=A processed=1.5")]
    [InlineData("::plexus stage=A processed=1,000")]
    [InlineData("::plexus stage=A total=")]
    [InlineData("::plexus stage=A processed=9223372036854775808")]
    [InlineData("::plexus stage=\"A")]
    [InlineData("::plexus stage=\"A\\\"")]
    [InlineData("::plexus stage=\"A\"B")]
    [InlineData("::plexus stage=A garbage")]
    [InlineData("::plexus stage=A =x")]
    [InlineData("::plexus stage=A ke\"y=x")]
    [InlineData("::plexus stage=A stage=B")]
    [InlineData("::plexus stage=A processed=1 processed=2")]
    [InlineData("::plexus stage=A message=a message=b")]
    [InlineData("::plexusstage=A")]
    [InlineData("::PLEXUS stage=A")]
    [InlineData("::plexus Stage=A")]
    public void Feed_MalformedProtocolLine_ReportsNothing(string line)
    {
        Assert.Null(Single(line));
    }

    // ---- tqdm bars, unchanged commands ----

    [Theory]
    [InlineData("45%|████▌     | 45/100 [00:01<00:02, 30.1it/s]", "Progress", 45L, 100L, null)]
    [InlineData("Evaluating:  45%|████▌     | 45/100 [00:01<00:02, 30.1it/s]", "Evaluating", 45L, 100L, null)]
    [InlineData("45%|####5     | 45/100", "Progress", 45L, 100L, null)]
    [InlineData("Evaluating:  45%|####5     | 45/100 [00:01<00:02, 30.1it/s]", "Evaluating", 45L, 100L, null)]
    [InlineData("  0%|          | 0/100 [00:00<?, ?it/s]", "Progress", 0L, 100L, null)]
    [InlineData("100%|██████████| 100/100 [00:03<00:00, 30.12it/s]", "Progress", 100L, 100L, null)]
    [InlineData("Slow step:  20%|██        | 1/5 [00:10<00:40, 10.00s/it]", "Slow step", 1L, 5L, null)]
    [InlineData("Epoch 1/3: 100%|██████████| 8/8 [1:02:03<00:00, 465.40s/it]", "Epoch 1/3", 8L, 8L, null)]
    [InlineData("Train:  30%|███       | 3/10 [00:01<00:02,  2.99it/s, loss=0.3]", "Train", 3L, 10L, "loss=0.3")]
    [InlineData("Train:  30%|███       | 3/10 [00:01<00:02,  2.99it/s, loss=0.3, acc=0.91]", "Train", 3L, 10L, "loss=0.3, acc=0.91")]
    [InlineData("Train:  30%|███       | 3/10 [00:01<00:02,  2.99it/s, tags=[a, b]]", "Train", 3L, 10L, "tags=[a, b]")]
    [InlineData("Download:  50%|█████     | 1.50k/3.00k [00:01<00:01, 1.00kit/s]", "Download", 1500L, 3000L, null)]
    [InlineData("Download:  50%|█████     | 1.50M/3.00M [00:01<00:01, 1.50MB/s]", "Download", 1_500_000L, 3_000_000L, null)]
    [InlineData("Download:   3%|▎         | 45.0/1.23k [00:01<00:26, 45.0B/s]", "Download", 45L, 1230L, null)]
    [InlineData("45%|\u001b[32m████▌     \u001b[0m| 45/100 [00:01<00:02, 30.1it/s]", "Progress", 45L, 100L, null)]
    [InlineData("\u001b[A\u001b[2KInner:  45%|████▌     | 45/100 [00:01<00:02, 30.1it/s]", "Inner", 45L, 100L, null)]
    [InlineData("45it [00:01, 30.1it/s]", "Progress", 45L, null, null)]
    [InlineData("0it [00:00, ?it/s]", "Progress", 0L, null, null)]
    [InlineData("Evaluating: 45it [00:01, 30.1it/s]", "Evaluating", 45L, null, null)]
    [InlineData("Epoch [1/3]: 45it [00:01, 30.1it/s, loss=0.3]", "Epoch [1/3]", 45L, null, "loss=0.3")]
    [InlineData("1.50kit [00:01, 1.00kit/s]", "Progress", 1500L, null, null)]
    [InlineData("Epoch [1/3]: 1.50kit [00:01, 1.00kit/s, loss=0.3]", "Epoch [1/3]", 1500L, null, "loss=0.3")]
    [InlineData("150kit [01:40, 1.50kit/s]", "Progress", 150_000L, null, null)]
    [InlineData("Bytes: 45.0MB [00:01, 45.0MB/s]", "Bytes", 45_000_000L, null, null)]
    [InlineData("Bytes: 45MB [00:01, 45.00MB/s]", "Bytes", 45L, null, null)]
    [InlineData("Files: 12files [1:02:03, 300.00s/files]", "Files", 12L, null, null)]
    [InlineData("7 [00:01,  6.99/s]", "Progress", 7L, null, null)]
    public void Feed_TqdmBar_ReportsStageAndCounts(string line, string stage, long? processed, long? total, string? message)
    {
        Assert.Equal(new ProgressUpdate(stage, processed, total, message), Single(line));
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("Stage Processing: 450/2000 items (22%)")]
    [InlineData("warning: 45% of rows were empty")]
    [InlineData("a|b|c")]
    [InlineData("Downloading 45/100")]
    [InlineData("[00:01, 30.1it/s]")]
    [InlineData("100%")]
    [InlineData("loss=0.3 acc=0.9")]
    [InlineData("Epoch 3 45%|####| 45/100")]
    [InlineData("45%|####| 45/100 and then some")]
    [InlineData("45%|####| 45/abc [00:01<00:02, 30.1it/s]")]
    [InlineData("45%|#### 45/100")]
    [InlineData("INFO 12:00:01 45it [00:01, 30.1it/s]")]
    [InlineData("45it [soon, 30.1it/s]")]
    [InlineData("45it [00:01]")]
    [InlineData("4x5it [00:01, 30.1it/s]")]
    [InlineData("see [00:01, below]")]
    [InlineData("plexus stage=Setup")]
    [InlineData("# ::plexus stage=Setup")]
    [InlineData("   ")]
    [InlineData("")]
    public void Feed_OrdinaryOutput_ReportsNothing(string line)
    {
        Assert.Null(Single(line));
    }

    // ---- Segments, line ends, chunks ----

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Feed_AnyLineEnd_CompletesTheLineOnce(string lineEnd)
    {
        var parser = new ProgressParser();

        var updates = parser.Feed($"::plexus stage=A{lineEnd}::plexus stage=B{lineEnd}");

        Assert.Equal([new("A", null, null, null), new("B", null, null, null)], updates);
        Assert.Empty(parser.Flush());
    }

    [Fact]
    public void Feed_CarriageReturnRedraws_ReportsEachCompletedSegmentInOrder()
    {
        var parser = new ProgressParser();

        var first = parser.Feed(
            "\r  0%|          | 0/3 [00:00<?, ?it/s]" +
            "\r 33%|███▎      | 1/3 [00:00<00:00,  9.98it/s]" +
            "\r 67%|██████▋   | 2/3 [00:00<00:00,  9.97it/s]");
        var second = parser.Feed("\r100%|██████████| 3/3 [00:00<00:00,  9.96it/s]\n");

        Assert.Equal([0L, 1L], first.Select(u => u.Processed));
        Assert.Equal([2L, 3L], second.Select(u => u.Processed));
        Assert.All(first.Concat(second), u => Assert.Equal(3, u.Total));
    }

    [Fact]
    public void Feed_LineWithoutEnd_IsReportedOnlyOnceItEnds()
    {
        var parser = new ProgressParser();

        Assert.Empty(parser.Feed("::plexus stage=Proc"));
        Assert.Empty(parser.Feed("essing processed=5"));
        var updates = parser.Feed(" total=10\nmore");

        Assert.Equal([new("Processing", 5, 10, null)], updates);
    }

    [Fact]
    public void Flush_PendingSegment_IsReportedOnceAndCleared()
    {
        var parser = new ProgressParser();
        parser.Feed("ordinary\n 50%|█████     | 5/10 [00:01<00:01,  5.00it/s]");

        var flushed = parser.Flush();

        Assert.Equal([new(ProgressParser.DefaultStage, 5, 10, null)], flushed);
        Assert.Empty(parser.Flush());
        Assert.Equal([new("Next", null, null, null)], parser.Feed("::plexus stage=Next\n"));
    }

    [Fact]
    public void Feed_MixedTextWhole_ReportsEveryUpdateInOrder()
    {
        Assert.Equal(MixedUpdates, FeedAll(new ProgressParser(), [Mixed]));
    }

    [Fact]
    public void Feed_OneCharacterAtATime_ReportsTheSameAsWhole()
    {
        Assert.Equal(MixedUpdates, FeedAll(new ProgressParser(), Mixed.Select(c => c.ToString())));
    }

    [Fact]
    public void Feed_SplitAtEveryPosition_ReportsTheSameAsWhole()
    {
        for (var at = 0; at <= Mixed.Length; at++)
        {
            var updates = FeedAll(new ProgressParser(), [Mixed[..at], Mixed[at..]]);

            Assert.True(MixedUpdates.SequenceEqual(updates), $"split at {at} gave {updates.Count} updates: {string.Join(" | ", updates)}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(2024)]
    public void Feed_RandomChunkSizes_ReportsTheSameAsWhole(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 50; round++)
        {
            var chunks = new List<string>();
            for (var at = 0; at < Mixed.Length;)
            {
                var size = Math.Min(Mixed.Length - at, random.Next(1, 24));
                chunks.Add(Mixed.Substring(at, size));
                at += size;
            }

            var updates = FeedAll(new ProgressParser(), chunks);

            Assert.True(MixedUpdates.SequenceEqual(updates), $"chunks [{string.Join(", ", chunks.Select(c => c.Length))}] gave: {string.Join(" | ", updates)}");
        }
    }

    // ---- The buffer cap ----

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Feed_LineLongerThanTheCap_IsDroppedWholeAndTheNextLineParses(int chunkSize)
    {
        const int Cap = 100;
        var tooLong = "::plexus stage=Long processed=1 message=" + new string('x', Cap);
        var text = tooLong + "\n::plexus stage=After\n" + tooLong;
        var chunks = text.Chunk(chunkSize).Select(c => new string(c));

        var updates = FeedAll(new ProgressParser(Cap), chunks);

        Assert.Equal([new("After", null, null, null)], updates);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public void Feed_LineExactlyAtTheCap_IsParsed(int chunkSize)
    {
        const int Cap = 100;
        var prefix = "::plexus stage=Edge message=";
        var line = prefix + new string('y', Cap - prefix.Length);
        var chunks = (line + "\n").Chunk(chunkSize).Select(c => new string(c));

        var updates = FeedAll(new ProgressParser(Cap), chunks);

        Assert.Equal([new("Edge", null, null, line[prefix.Length..])], updates);
    }

    [Fact]
    public void Feed_ManyMegabytesWithoutLineEnd_DropsThemAndKeepsParsing()
    {
        var parser = new ProgressParser();
        var block = new string('z', 64 * 1024);
        for (var i = 0; i < 64; i++)
        {
            Assert.Empty(parser.Feed(block));
        }

        var updates = parser.Feed("::plexus stage=Tail\n::plexus stage=After\n");

        // "zzz…::plexus stage=Tail" is one 4 MiB line, dropped whole; the line after it is parsed.
        Assert.Equal([new("After", null, null, null)], updates);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_CapBelowOne_Throws(int cap)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProgressParser(cap));
    }

    // ---- A real process ----

    // What `for x in tqdm(range(10), desc="Evaluating"): …; bar.set_postfix(loss=…)` writes to a pipe: the
    // initial 0% bar, a "\r"-prefixed redraw per step padded to ten cells, "\n" on close; ordinary lines around it.
    private const string TqdmScript = """
        printf 'Loading model...\n'
        printf '\rEvaluating:   0%%|          | 0/10 [00:00<?, ?it/s]'
        sleep 0.02
        printf '\rEvaluating:  10%%|█         | 1/10 [00:00<00:00,  9.91it/s, loss=0.912]'
        printf '\rEvaluating:  20%%|██        | 2/10 [00:00<00:00,  9.93it/s, loss=0.801]'
        sleep 0.02
        printf '\rEvaluating:  30%%|███       | 3/10 [00:00<00:00,  9.94it/s, loss=0.702]'
        printf '\rEvaluating:  40%%|████      | 4/10 [00:00<00:00,  9.94it/s, loss=0.633]'
        printf '\rEvaluating:  50%%|█████     | 5/10 [00:00<00:00,  9.95it/s, loss=0.571]'
        sleep 0.02
        printf '\rEvaluating:  60%%|██████    | 6/10 [00:00<00:00,  9.95it/s, loss=0.514]'
        printf '\rEvaluating:  70%%|███████   | 7/10 [00:00<00:00,  9.95it/s, loss=0.470]'
        printf '\rEvaluating:  80%%|████████  | 8/10 [00:00<00:00,  9.95it/s, loss=0.432]'
        sleep 0.02
        printf '\rEvaluating:  90%%|█████████ | 9/10 [00:00<00:00,  9.95it/s, loss=0.401]'
        printf '\rEvaluating: 100%%|██████████| 10/10 [00:01<00:00,  9.95it/s, loss=0.377]'
        printf '\rEvaluating: 100%%|██████████| 10/10 [00:01<00:00,  9.94it/s, loss=0.377]\n'
        printf 'accuracy: 0.93\n'
        """;

    // Runs a real process and feeds its stdout through a parser as it arrives.
    private static async Task<(int ExitCode, List<ProgressUpdate> Updates)> RunAndParseAsync(string executable, params string[] arguments)
    {
        using var timeout = new CancellationTokenSource(HangLimit);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        var parser = new ProgressParser();
        var updates = new List<ProgressUpdate>();

        // A small buffer, so lines and bars arrive in pieces as they would from a long-running command.
        var buffer = new char[16];
        int read;
        while ((read = await process.StandardOutput.ReadAsync(buffer, timeout.Token)) > 0)
        {
            updates.AddRange(parser.Feed(buffer.AsSpan(0, read)));
        }

        updates.AddRange(parser.Flush());
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, updates);
    }

    [Fact]
    public async Task Feed_RealProcessPrintingATqdmBar_CountsReachTheTotal()
    {
        var (exitCode, updates) = await RunAndParseAsync("/bin/sh", "-c", TqdmScript);

        Assert.Equal(0, exitCode);
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10], updates.Select(u => u.Processed));
        Assert.All(updates, u => Assert.Equal("Evaluating", u.Stage));
        Assert.All(updates, u => Assert.Equal(10, u.Total));
        Assert.Null(updates[0].Message);
        Assert.Equal("loss=0.377", updates[^1].Message);
    }

    [Fact]
    public async Task Feed_ShippedDemoCommand_ReportsItsThreeStagesInOrder()
    {
        var demo = Path.Combine(AppContext.BaseDirectory, "plexus-demo");
        Assert.True(File.Exists(demo), $"precondition: the build copies plexus-demo to {AppContext.BaseDirectory}");

        var (exitCode, updates) = await RunAndParseAsync(demo, "--items", "40");

        Assert.Equal(0, exitCode);
        Assert.Equal(["Setup", "Processing", "Analysis"], updates.Select(u => u.Stage).Distinct());
        var processing = updates.Where(u => u.Stage == "Processing").ToList();
        Assert.Equal([0L, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40], processing.Select(u => u.Processed));
        Assert.All(processing, u => Assert.Equal(40, u.Total));
        Assert.Equal(new ProgressUpdate("Analysis", null, null, "summarising results"), updates[^1]);
    }
}
