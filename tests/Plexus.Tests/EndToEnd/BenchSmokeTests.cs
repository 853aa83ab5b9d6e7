using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// The benchmark's smoke run: every scenario runs against a real silo and the report holds sane numbers. Timings are
/// not asserted (machines differ and are shared); only that each figure was measured and is consistent.
/// </summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class BenchSmokeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task QuickRun_AllScenarios_ReportsSaneNumbers()
    {
        var output = Directory.CreateTempSubdirectory("plexus-bench-test-").FullName;
        try
        {
            using var timeout = new CancellationTokenSource(Deadline);
            var run = await Cli.Wrap(Path.Combine(AppContext.BaseDirectory, "plexus-bench"))
                .WithArguments(["--quick", "--out", output])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token);
            Assert.True(run.ExitCode == 0, $"plexus-bench --quick exited {run.ExitCode}:\n{run.StandardOutput}\n{run.StandardError}");

            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "bench-report.json")));
            var root = report.RootElement;
            Assert.Empty(root.GetProperty("errors").EnumerateArray());
            Assert.True(File.Exists(Path.Combine(output, "bench-report.md")));

            var throughput = root.GetProperty("throughput");
            Assert.Equal(throughput.GetProperty("count").GetInt32(), throughput.GetProperty("succeeded").GetInt32());
            Assert.True(throughput.GetProperty("actionsPerSecond").GetDouble() > 0);
            Assert.True(throughput.GetProperty("ratioToDirect").GetDouble() > 0);
            Assert.True(root.GetProperty("spawn").GetProperty("processPerSecond").GetDouble() > 0);

            var latency = root.GetProperty("latency");
            var (p50, p95, p99) = (latency.GetProperty("p50Ms").GetDouble(), latency.GetProperty("p95Ms").GetDouble(), latency.GetProperty("p99Ms").GetDouble());
            Assert.True(p50 > 0 && p50 <= p95 && p95 <= p99, $"Percentiles out of order: p50 {p50}, p95 {p95}, p99 {p99}.");
            Assert.True(latency.GetProperty("directP50Ms").GetDouble() > 0);
            Assert.True(latency.GetProperty("watchP50Ms").GetDouble() > 0);

            var memory = root.GetProperty("memory");
            var queued = memory.GetProperty("queued").GetInt32();
            Assert.True(memory.GetProperty("queuedRss").GetInt64() > 0);
            Assert.True(memory.GetProperty("finishedRss").GetInt64() > 0);
            Assert.True(memory.GetProperty("queuedStore").GetProperty("rows").GetInt64() >= queued);

            var points = root.GetProperty("scaling").EnumerateArray().ToList();
            Assert.Equal(2, points.Count);
            Assert.All(points, p => Assert.True(p.GetProperty("payloadBytesPerRow").GetDouble() > 0));
            Assert.True(points[1].GetProperty("storeRows").GetInt64() > points[0].GetProperty("storeRows").GetInt64());
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
