namespace Plexus.Tests.EndToEnd;

/// <summary>
/// The example alert rules of <c>deploy/prometheus/</c> through Prometheus' own <c>promtool</c> (Debian's
/// <c>prometheus</c> package; <c>.ci/run</c> installs it): they load, and each alert fires on the series that should
/// raise it and on no other (<c>plexus-alerts.test.yml</c>).
/// </summary>
[Trait(Category.Name, Category.EndToEnd)]
public sealed class AlertRulesTests
{
    private const string Promtool = "/usr/bin/promtool";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task CheckRules_ExampleAlerts_AreValid()
    {
        var result = await RunAsync("check", "rules", Repository.Path("deploy", "prometheus", "plexus-alerts.yml"));

        result.ShouldExit(0);
        Assert.Contains("SUCCESS: 6 rules found", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestRules_ExampleAlerts_FireOnTheSeriesThatShouldRaiseThem()
    {
        var result = await RunAsync("test", "rules", Repository.Path("deploy", "prometheus", "plexus-alerts.test.yml"));

        result.ShouldExit(0);
        Assert.Contains("SUCCESS", result.Stdout, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> RunAsync(params string[] arguments)
    {
        Assert.True(File.Exists(Promtool), $"{Promtool} is missing: install it with `apt-get install prometheus` (.ci/run does).");
        return ProcessRunner.RunAsync(Promtool, arguments, Timeout);
    }
}
