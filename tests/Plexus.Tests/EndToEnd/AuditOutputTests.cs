using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary><c>audit</c> and the audit trail of <c>status --json</c> through the real client and silo.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(SharedSiloCollection.Name)]
public sealed class AuditOutputTests(SiloFixture fixture)
{
    private static readonly TimeSpan FinalTimeout = TimeSpan.FromSeconds(30);
    private static readonly string Me = $"{Environment.UserName}@{Environment.MachineName}";

    private PlexusClient Client => fixture.Silo.Client;

    // The shared silo holds other tests' entries too: only what this test did happened after this moment.
    private static string Now() => DateTimeOffset.Now.AddMilliseconds(-1).ToString("O", CultureInfo.InvariantCulture);

    private static List<(string? Operation, string? Outcome, string? Actor, string? Origin)> Entries(JsonElement entries) =>
        [.. entries.EnumerateArray().Select(e => (
            e.GetProperty("operation").GetString(),
            e.GetProperty("outcome").GetString(),
            e.GetProperty("actor").GetString(),
            e.GetProperty("origin").GetString()))];

    [Fact]
    public async Task Audit_ActionOfACancelledRun_PrintsItsEntriesNewestFirstAndStatusKeepsThemWithTheAction()
    {
        var id = JsonOutput.Parse((await Client.RunAsync("dispatch", "--async", "--json", "sleep 60")).ShouldExit(0)).GetProperty("id").GetString()!;
        await Client.WaitForStatusAsync(Guid.Parse(id), "Running", FinalTimeout);
        (await Client.RunAsync("cancel", id)).ShouldExit(0);
        var final = await Client.WaitForStatusAsync(Guid.Parse(id), "Cancelled", FinalTimeout);
        (await Client.RunAsync("cancel", id)).ShouldExit(0);

        var audit = JsonOutput.Parse((await Client.RunAsync("audit", "--action", id, "--json")).ShouldExit(0));
        var status = JsonOutput.Parse((await Client.RunAsync("status", id, "--json")).ShouldExit(0));

        var host = Environment.MachineName;
        Assert.Equal(
            [("Cancel", "Refused", Me, host), ("Cancel", "Accepted", Me, host), ("Dispatch", "Accepted", Me, host)],
            Entries(audit.GetProperty("items")));
        Assert.Equal(JsonValueKind.Null, audit.GetProperty("next").ValueKind);
        Assert.All(audit.GetProperty("items").EnumerateArray(), e => Assert.Equal(id, e.GetProperty("actionId").GetString()));
        Assert.Equal([("Dispatch", "Accepted", Me, host), ("Cancel", "Accepted", Me, host)], Entries(status.GetProperty("audit")));
        Assert.Equal("sleep 60", status.GetProperty("audit")[0].GetProperty("detail").GetString());
        Assert.Equal(final.GetProperty("audit").GetRawText(), status.GetProperty("audit").GetRawText());
    }

    [Fact]
    public async Task Audit_RefusedDispatch_IsListedWithTheReasonAndPagesByCursor()
    {
        var since = Now();
        var refused = await Client.RunAsync("dispatch", "not-in-the-catalog --now");
        var accepted = await Client.RunAsync("dispatch", "echo audited");

        var first = JsonOutput.Parse((await Client.RunAsync("audit", "--since", since, "--actor", Me, "--limit", "1", "--json")).ShouldExit(0));
        var second = JsonOutput.Parse((await Client.RunAsync("audit", "--since", since, "--actor", Me, "--limit", "1", "--cursor", first.GetProperty("next").GetString()!, "--json")).ShouldExit(0));

        Assert.NotEqual(0, refused.ExitCode);
        accepted.ShouldExit(0);
        Assert.Equal([("Dispatch", "Accepted", Me, Environment.MachineName)], Entries(first.GetProperty("items")));
        Assert.Equal([("Dispatch", "Refused", Me, Environment.MachineName)], Entries(second.GetProperty("items")));
        Assert.Contains("not-in-the-catalog", second.GetProperty("items")[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Audit_Table_ShowsOneLinePerEntry()
    {
        var since = Now();
        var id = JsonOutput.Parse((await Client.RunAsync("dispatch", "--json", "echo tabled")).ShouldExit(0)).GetProperty("id").GetString()!;

        var listed = (await Client.RunAsync("audit", "--since", since, "--action", id)).ShouldExit(0);

        var lines = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("TIME (UTC)", lines[0], StringComparison.Ordinal);
        Assert.Matches($"^\\d{{4}}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{{3}}\\s+{Regex.Escape(Me)}\\s+{Regex.Escape(Environment.MachineName)}\\s+Dispatch\\s+{id}\\s+Accepted\\s+echo tabled$", lines[1]);
        Assert.Equal(2, lines.Length);
    }

    [Theory]
    [InlineData("--since", "yesterday-ish")]
    [InlineData("--limit", "0")]
    [InlineData("--cursor", "not-a-cursor")]
    [InlineData("--action", "not-an-id")]
    public async Task Audit_UnusableFilter_Exits64NamingIt(string option, string value)
    {
        var result = await Client.RunAsync("audit", option, value);

        result.ShouldExit(ExitCode.InvalidInput);
        Assert.Contains(option.TrimStart('-'), result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
