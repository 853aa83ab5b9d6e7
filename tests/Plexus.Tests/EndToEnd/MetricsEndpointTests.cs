using System.Globalization;
using System.Text.RegularExpressions;
using Plexus.Silo.Http;

namespace Plexus.Tests.EndToEnd;

/// <summary>The real silo's Prometheus endpoint: the series an operator's alerts and dashboards read, and that they move.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(SharedSiloCollection.Name)]
public sealed partial class MetricsEndpointTests(SiloFixture fixture)
{
    private static readonly HttpClient Http = new();

    [Theory]
    [InlineData("plexus_actions_dispatched_total", "queue=default")]
    [InlineData("plexus_actions_finished_total", "queue=default,status=Succeeded")]
    [InlineData("plexus_actions_finished_total", "queue=default,status=Failed")]
    [InlineData("plexus_actions_finished_total", "queue=default,status=TimedOut")]
    [InlineData("plexus_actions_retries_total", "queue=default")]
    [InlineData("plexus_actions_poison_stops_total", "queue=default")]
    [InlineData("plexus_workers_lost_total", "queue=default")]
    [InlineData("plexus_leases_renewals_total", "")]
    [InlineData("plexus_queue_depth", "queue=default")]
    [InlineData("plexus_queue_oldest_age_seconds", "queue=default")]
    [InlineData("plexus_queue_serving", "queue=default")]
    [InlineData("plexus_worker_waiting", "queue=default")]
    [InlineData("plexus_worker_oldest_wait_seconds", "queue=default")]
    [InlineData("plexus_worker_running", "")]
    [InlineData("plexus_worker_free_slots", "")]
    [InlineData("orleans_catalog_activations", "")]
    public async Task Metrics_RunningSilo_ExposesTheSeries(string name, string labels)
    {
        var text = await ScrapeAsync();

        Assert.True(Samples(text, name, labels).Any(), $"/metrics has no {name}{{{labels}}}:\n{text}");
    }

    [Fact]
    public async Task Metrics_RunningSilo_ServingTheDefaultQueueWithFreeSlots()
    {
        var text = await ScrapeAsync();

        Assert.Equal(1, Sum(text, "plexus_queue_serving", "queue=default"));
        Assert.Equal(2, Sum(text, "plexus_worker_free_slots", "") + Sum(text, "plexus_worker_running", ""));
    }

    [Fact]
    public async Task Metrics_DemoActionsRun_CountersAndHistogramsMove()
    {
        var before = await ScrapeAsync();

        (await fixture.Silo.Client.RunAsync("dispatch", "demo --items 20")).ShouldExit(0);
        (await fixture.Silo.Client.RunAsync("dispatch", "demo --items 20")).ShouldExit(0);
        (await fixture.Silo.Client.RunAsync("dispatch", "--max-attempts", "2", "--retry-exit-code", "1", "false")).ShouldExit(1);

        // The client sees the end once it is stored; the grain counts it just after.
        var after = await Poll.UntilAsync(
            ScrapeAsync,
            text => Moved(before, text, "plexus_actions_finished_total", "status=Failed") >= 1,
            Poll.DefaultTimeout,
            "the failed action to be counted");

        Assert.Equal(3, Moved(before, after, "plexus_actions_dispatched_total", "queue=default"));
        Assert.Equal(2, Moved(before, after, "plexus_actions_finished_total", "queue=default,status=Succeeded"));
        Assert.Equal(1, Moved(before, after, "plexus_actions_finished_total", "queue=default,status=Failed"));
        Assert.Equal(1, Moved(before, after, "plexus_actions_retries_total", "queue=default"));
        Assert.True(Moved(before, after, "plexus_leases_renewals_total", "") > 0, "no lease renewal was counted");
        Assert.Equal(4, Moved(before, after, "plexus_actions_queue_wait_seconds_count", "queue=default"));
        Assert.Equal(4, Moved(before, after, "plexus_attempts_run_time_seconds_count", "queue=default"));
        Assert.Equal(2, Moved(before, after, "plexus_attempts_run_time_seconds_count", "status=success"));
    }

    [Fact]
    public async Task Metrics_QueueNoSiloServes_DepthAndAgeFollowDispatchAndCancel()
    {
        var queue = "unserved-" + Guid.NewGuid().ToString("N")[..8];
        var labels = "queue=" + queue;
        string[] ids = [await DispatchAsync(queue), await DispatchAsync(queue)];

        var queued = await Poll.UntilAsync(
            ScrapeAsync, text => Sum(text, "plexus_queue_depth", labels) == 2 && Sum(text, "plexus_queue_oldest_age_seconds", labels) > 0,
            Poll.DefaultTimeout, $"depth 2 and an age for {queue}");

        // One silo reports the cluster's backlog, without a silo label: a sum over silos counts each action once.
        Assert.All(SampleLines(queued, "plexus_queue_depth"), line => Assert.DoesNotContain("silo=", line, StringComparison.Ordinal));
        var age = Sum(queued, "plexus_queue_oldest_age_seconds", labels);
        await Poll.UntilAsync(
            ScrapeAsync, text => Sum(text, "plexus_queue_oldest_age_seconds", labels) > age, Poll.DefaultTimeout, $"the age of {queue} to grow past {age}");

        (await fixture.Silo.Client.RunAsync("cancel", ids[0])).ShouldExit(0);
        await Poll.UntilAsync(ScrapeAsync, text => Sum(text, "plexus_queue_depth", labels) == 1, Poll.DefaultTimeout, $"depth 1 for {queue} after a cancel");
        (await fixture.Silo.Client.RunAsync("cancel", ids[1])).ShouldExit(0);
        await Poll.UntilAsync(
            ScrapeAsync,
            text => Samples(text, "plexus_queue_depth", labels).SequenceEqual([0.0]) && Sum(text, "plexus_queue_oldest_age_seconds", labels) == 0,
            Poll.DefaultTimeout,
            $"depth and age 0 for {queue} once nothing is queued");
    }

    private async Task<string> DispatchAsync(string queue) =>
        (await fixture.Silo.Client.RunAsync("dispatch", "--async", "--queue", queue, "echo never")).ShouldExit(0).Stdout.Trim();

    private static IEnumerable<string> SampleLines(string text, string name) =>
        SampleLine().Matches(text).Where(m => m.Groups[1].Value == name).Select(m => m.Value);

    private async Task<string> ScrapeAsync() => await Http.GetStringAsync(new Uri(fixture.Silo.Http, SiloHttp.MetricsPath));

    private static double Moved(string before, string after, string name, string labels) => Sum(after, name, labels) - Sum(before, name, labels);

    private static double Sum(string text, string name, string labels) => Samples(text, name, labels).Sum();

    // The values of the samples named `name` that carry every label of `labels` ("a=x,b=y"), whatever else they carry.
    private static IEnumerable<double> Samples(string text, string name, string labels)
    {
        var wanted = labels.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        foreach (Match sample in SampleLine().Matches(text))
        {
            var carried = LabelPair().Matches(sample.Groups[2].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
            if (sample.Groups[1].Value == name && wanted.All(w => carried.TryGetValue(w.Key, out var value) && value == w.Value))
            {
                yield return double.Parse(sample.Groups[3].Value, CultureInfo.InvariantCulture);
            }
        }
    }

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? ([0-9.eE+-]+|NaN|\+Inf)(?: \d+)?$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
