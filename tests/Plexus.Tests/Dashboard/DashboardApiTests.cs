using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Plexus.Actions;
using Plexus.Audit;
using Plexus.Client;
using Plexus.Queries;

namespace Plexus.Tests.Dashboard;

/// <summary>
/// The dashboard's HTTP API against a real cluster: every endpoint, its documents equal to what <c>plexus-client … --json</c>
/// prints, its problems (400, 401, 403, 404), sessions, and the event streams of an action and of every action.
/// </summary>
[Collection(DashboardCollection.Name)]
[Trait(Category.Name, Category.EndToEnd)]
public sealed class DashboardApiTests(DashboardFixture dashboard)
{
    private static readonly TimeSpan Deadline = Poll.DefaultTimeout;

    [Fact]
    public async Task Dispatch_Operator_Returns201WithTheActionDocumentAndLocation()
    {
        using var http = dashboard.Http("otto");

        using var response = await PostJsonAsync(http, "/api/actions", """{"command": "echo hello", "timeout": 30, "maxAttempts": 2, "retryExitCodes": [3], "retryOnTimeout": true}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var action = await ReadActionAsync(response);
        Assert.Equal("echo hello", action.Command);
        Assert.Equal("otto", action.Submitter);
        Assert.Equal(TimeSpan.FromSeconds(30), action.Timeout);
        Assert.Equal(2, action.Retry.MaxAttempts);
        Assert.Equal($"/api/actions/{action.Id}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Dispatch_IdempotencyKeyTwice_ReturnsTheSameAction()
    {
        using var http = dashboard.Http("otto");
        var body = $$"""{"command": "echo once", "idempotencyKey": "dash-{{Guid.NewGuid():N}}"}""";

        var first = await ReadActionAsync(await PostJsonAsync(http, "/api/actions", body));
        var second = await ReadActionAsync(await PostJsonAsync(http, "/api/actions", body));

        Assert.Equal(first.Id, second.Id);
    }

    [Fact]
    public async Task Dispatch_UnknownCommand_Returns400NamingTheRule()
    {
        using var http = dashboard.Http("otto");

        using var response = await PostJsonAsync(http, "/api/actions", """{"command": "rm -rf /"}""");

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("unknown-command", problem.GetProperty("rule").GetString());
        Assert.Contains("Unknown command 'rm'", problem.GetProperty("errors").GetProperty("command")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"command": "echo 'open"}""", "command", "quote")]
    [InlineData("""{"command": "echo hi", "timeout": -5}""", "timeout", "positive number of seconds")]
    [InlineData("""{"command": "echo hi", "timeout": 9999999}""", "timeout", "timeout")]
    [InlineData("""{"command": "echo hi", "maxAttempts": 0}""", "maxAttempts", "attempts")]
    [InlineData("""{"command": "echo hi", "idempotencyKey": ""}""", "idempotencyKey", "idempotency key")]
    [InlineData("""{"command": "echo hi", "queue": "no spaces"}""", "queue", "queue")]
    public async Task Dispatch_RuleBroken_Returns400OnThatFieldAndStoresNothing(string body, string field, string message)
    {
        using var http = dashboard.Http("otto");
        var before = await CountAsync();

        using var response = await PostJsonAsync(http, "/api/actions", body);

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Contains(message, errors.GetProperty(field)[0].GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"command": "echo hi", "timeuot": 5}""")]
    [InlineData("")]
    public async Task Dispatch_MalformedBody_Returns400Problem(string body)
    {
        using var http = dashboard.Http("otto");

        using var response = await PostJsonAsync(http, "/api/actions", body);

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.DoesNotContain("Plexus.Dashboard", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_FinishedAction_EqualsStatusJson()
    {
        using var http = dashboard.Http("vera");
        var queued = await dashboard.Admin.DispatchAsync(new ActionRequest("echo same document", "tests"));
        var final = await dashboard.Admin.WaitForFinalAsync(queued.Id);

        var body = await http.GetStringAsync($"/api/actions/{queued.Id}");

        Assert.Equal(ActionJson.Serialize(final!), body);
    }

    [Fact]
    public async Task Get_UnknownId_Returns404Problem()
    {
        using var http = dashboard.Http("vera");
        var id = Guid.NewGuid();

        var problem = await ReadProblemAsync(await http.GetAsync($"/api/actions/{id}"), HttpStatusCode.NotFound);

        Assert.Contains(id.ToString(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/actions/not-a-guid")]
    [InlineData("/api/actions/not-a-guid/output")]
    [InlineData("/api/actions/not-a-guid/events")]
    public async Task Get_MalformedId_Returns400Problem(string path)
    {
        using var http = dashboard.Http("vera");

        var problem = await ReadProblemAsync(await http.GetAsync(path), HttpStatusCode.BadRequest);

        Assert.Contains("is not an action id", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_Filters_EqualListJson()
    {
        using var http = dashboard.Http("vera");
        var marker = $"echo list-{Guid.NewGuid():N}";
        for (var i = 0; i < 3; i++)
        {
            await dashboard.Admin.WaitForFinalAsync((await dashboard.Admin.DispatchAsync(new ActionRequest($"{marker} {i}", "tests"))).Id);
        }

        var query = new ActionQuery { Statuses = [ActionStatus.Succeeded], CommandPrefix = marker, Submitter = "ada", Since = DateTimeOffset.UtcNow.AddHours(-1), Limit = 2 };
        var since = Uri.EscapeDataString(query.Since!.Value.ToString("O"));
        var first = await Poll.UntilAsync(
            () => http.GetStringAsync($"/api/actions?status=Succeeded&command={Uri.EscapeDataString(marker)}&submitter=ada&since={since}&limit=2"),
            body => body.Contains("\"next\": \"", StringComparison.Ordinal), Deadline, "a first page of two with a next cursor");
        Assert.Equal(ActionJson.Serialize(await dashboard.Admin.ListAsync(query)), first);

        var next = JsonDocument.Parse(first).RootElement.GetProperty("next").GetString()!;
        var second = await http.GetStringAsync($"/api/actions?status=Succeeded&command={Uri.EscapeDataString(marker)}&submitter=ada&since={since}&limit=2&cursor={Uri.EscapeDataString(next)}");
        Assert.Equal(ActionJson.Serialize(await dashboard.Admin.ListAsync(query with { Cursor = next })), second);
        var page = JsonDocument.Parse(second).RootElement;
        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        Assert.Equal(3, page.GetProperty("counts").GetProperty("Succeeded").GetInt64());
    }

    [Theory]
    [InlineData("status=Sleeping", "status 'Sleeping'")]
    [InlineData("limit=0", "limit")]
    [InlineData("since=yesterday", "since 'yesterday'")]
    [InlineData("cursor=garbage", "cursor")]
    public async Task List_BadQuery_Returns400Problem(string query, string message)
    {
        using var http = dashboard.Http("vera");

        var problem = await ReadProblemAsync(await http.GetAsync($"/api/actions?{query}"), HttpStatusCode.BadRequest);

        Assert.Contains(message, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_RunningDemo_ReturnsTheCancelAnswerAndTheActionEndsCancelled()
    {
        using var http = dashboard.Http("otto");
        var queued = await ReadActionAsync(await PostJsonAsync(http, "/api/actions", """{"command": "demo --items 8000"}"""));
        await Poll.UntilAsync(() => dashboard.Admin.GetAsync(queued.Id), a => a?.Status == ActionStatus.Running, Deadline, "the demo running");

        using var response = await PostJsonAsync(http, $"/api/actions/{queued.Id}/cancel", "");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(answer.GetProperty("accepted").GetBoolean());
        Assert.Equal("otto", answer.GetProperty("action").GetProperty("cancelRequestedBy").GetString());
        var final = await dashboard.Admin.WaitForFinalAsync(queued.Id);
        Assert.Equal(ActionStatus.Cancelled, final!.Status);
        Assert.Contains(final.Audit, e => e.Operation == AuditOperation.Cancel && e.Actor == "otto");
    }

    [Fact]
    public async Task Output_FinishedAction_ReturnsTheStreamAsTextWithTail()
    {
        using var http = dashboard.Http("vera");
        var queued = await dashboard.Admin.DispatchAsync(new ActionRequest("sh 'echo one; echo two; echo three; echo oops >&2'", "tests"));
        await dashboard.Admin.WaitForFinalAsync(queued.Id);

        using var stdout = await http.GetAsync($"/api/actions/{queued.Id}/output?stream=stdout&tail=2");
        var stderr = await http.GetStringAsync($"/api/actions/{queued.Id}/output?stream=stderr");

        Assert.Equal("text/plain", stdout.Content.Headers.ContentType?.MediaType);
        Assert.Equal("two\nthree\n", await stdout.Content.ReadAsStringAsync());
        Assert.Equal("oops\n", stderr);
        await ReadProblemAsync(await http.GetAsync($"/api/actions/{queued.Id}/output?stream=stdin"), HttpStatusCode.BadRequest);
        await ReadProblemAsync(await http.GetAsync($"/api/actions/{queued.Id}/output?tail=-1"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ActionEvents_Demo_DeliversItsStatesInOrderAndEndsWithEnd()
    {
        using var http = dashboard.Http("vera");
        var queued = await dashboard.Admin.DispatchAsync(new ActionRequest("demo --items 300", "tests"));

        using var response = await Sse.OpenAsync(http, $"/api/actions/{queued.Id}/events");
        var events = await ReadAllAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var states = events.Where(e => e.Type == "state").ToList();
        var versions = states.Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(versions.Order().Distinct(), versions);
        var statuses = states.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("status").GetString()).Distinct().ToList();
        Assert.Equal("Succeeded", statuses[^1]);
        Assert.Equal(statuses.Order(Comparer<string?>.Create((a, b) => Rank(a).CompareTo(Rank(b)))), statuses);
        Assert.Equal("end", events[^1].Type);
        Assert.Equal("Succeeded", JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("status").GetString());
        var last = JsonDocument.Parse(states[^1].Data).RootElement.GetProperty("result");
        Assert.Equal("", last.GetProperty("stdout").GetString());
        Assert.Contains(events, e => e.Type == "output" || statuses.Count > 0);

        static int Rank(string? status) => status switch { "Queued" => 0, "Running" => 1, _ => 2 };
    }

    [Fact]
    public async Task ActionEvents_ReconnectWithLastEventId_ResumesWithNewerStatesOnly()
    {
        using var http = dashboard.Http("vera");
        var queued = await dashboard.Admin.DispatchAsync(new ActionRequest("demo --items 1500", "tests"));
        string lastId;
        using (var first = await Sse.OpenAsync(http, $"/api/actions/{queued.Id}/events"))
        {
            lastId = (await Sse.ReadAsync(first).FirstAsync(e => e.Type == "state")).Id!;
        }

        // The action moves on while no one listens.
        await Poll.UntilAsync(() => dashboard.Admin.GetAsync(queued.Id), a => a!.Version > long.Parse(lastId, System.Globalization.CultureInfo.InvariantCulture) + 1, Deadline, "the action to change twice more");

        using var second = await Sse.OpenAsync(http, $"/api/actions/{queued.Id}/events", lastId);
        var events = await ReadAllAsync(second);

        var resumed = events.Where(e => e.Type == "state").Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(resumed);
        Assert.All(resumed, version => Assert.True(version > long.Parse(lastId, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("end", events[^1].Type);

        // Reconnecting after the end with its last id: nothing repeated, just the end.
        using var third = await Sse.OpenAsync(http, $"/api/actions/{queued.Id}/events", resumed[^1].ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["end"], (await ReadAllAsync(third)).Select(e => e.Type));
    }

    [Fact]
    public async Task ActionEvents_UnknownAction_Returns404Problem()
    {
        using var http = dashboard.Http("vera");

        await ReadProblemAsync(await Sse.OpenAsync(http, $"/api/actions/{Guid.NewGuid()}/events"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Events_Dispatch_PushesTheActionsChangesUntilItSucceeds()
    {
        using var http = dashboard.Http("vera");
        using var stop = new CancellationTokenSource(Deadline);
        using var response = await Sse.OpenAsync(http, "/api/events", cancellationToken: stop.Token);
        await using var events = Sse.ReadAsync(response, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("ready", events.Current.Type);

        var queued = await dashboard.Admin.DispatchAsync(new ActionRequest("demo --items 300", "tests"), stop.Token);
        var seen = new List<JsonElement>();
        while (await events.MoveNextAsync())
        {
            var change = JsonDocument.Parse(events.Current.Data).RootElement;
            if (events.Current.Type == "change" && change.GetProperty("id").GetGuid() == queued.Id)
            {
                seen.Add(change);
                if (change.GetProperty("status").GetString() == "Succeeded")
                {
                    break;
                }
            }
        }

        Assert.Equal("Succeeded", seen[^1].GetProperty("status").GetString());
        Assert.Equal("demo --items 300", seen[^1].GetProperty("command").GetString());
        Assert.Equal("Analysis", seen[^1].GetProperty("stage").GetString());
        var versions = seen.Select(c => c.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(versions.Order(), versions);
    }

    [Fact]
    public async Task Session_LoginWithKey_SetsAStrictHttpOnlyCookieThatAuthenticatesEventStreams()
    {
        using var anonymous = dashboard.Http("none");

        using var login = await PostJsonAsync(anonymous, "/api/session", $$"""{"key": "{{DashboardFixture.Keys["vera"].Key}}"}""");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("plexus-session=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(DashboardFixture.Keys["vera"].Key, cookie, StringComparison.Ordinal);
        var session = cookie.Split(';')[0];

        using var who = new HttpRequestMessage(HttpMethod.Get, "/api/session") { Headers = { { "Cookie", session } } };
        var me = JsonDocument.Parse(await (await anonymous.SendAsync(who)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("vera", me.GetProperty("name").GetString());
        Assert.False(me.GetProperty("canDispatch").GetBoolean());

        using var stream = new HttpRequestMessage(HttpMethod.Get, "/api/events") { Headers = { { "Cookie", session } } };
        using var events = await anonymous.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        Assert.Equal("ready", (await Sse.ReadAsync(events).FirstAsync()).Type);
    }

    [Fact]
    public async Task Session_CookiePostWithoutRequestHeader_IsRefusedAsCrossSite()
    {
        using var anonymous = dashboard.Http("none");
        using var login = await PostJsonAsync(anonymous, "/api/session", $$"""{"key": "{{DashboardFixture.Keys["otto"].Key}}"}""");
        var session = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var before = await CountAsync();

        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/actions")
        {
            Headers = { { "Cookie", session } },
            Content = new StringContent("""{"command": "echo forged"}""", Encoding.UTF8, "application/json"),
        };
        var problem = await ReadProblemAsync(await anonymous.SendAsync(forged), HttpStatusCode.Forbidden);

        Assert.Contains("X-Plexus-Request", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Session_WrongKey_Returns401Problem()
    {
        using var anonymous = dashboard.Http("none");

        using var login = await PostJsonAsync(anonymous, "/api/session", """{"key": "wrong-key-0123456789abcdef"}""");

        await ReadProblemAsync(login, HttpStatusCode.Unauthorized);
        Assert.False(login.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task OpenApi_Document_DescribesEveryEndpoint()
    {
        using var http = dashboard.Http("none");

        var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json")).RootElement;

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Superset(
            new HashSet<string> { "/api/actions", "/api/actions/{id}", "/api/actions/{id}/cancel", "/api/actions/{id}/output", "/api/actions/{id}/events", "/api/events", "/api/session" },
            paths.ToHashSet());
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/")]
    public async Task Health_AndPage_NeedNoKey(string path)
    {
        using var http = dashboard.Http("none");

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Dispatch_Viewer_Is403AndAuditedWithTheViewerAsActor()
    {
        using var http = dashboard.Http("vera");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        var problem = await ReadProblemAsync(await PostJsonAsync(http, "/api/actions", """{"command": "echo not allowed"}"""), HttpStatusCode.Forbidden);

        Assert.Contains("operator", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var audit = await dashboard.Admin.ListAuditAsync(new AuditQuery { Since = since, Limit = 100 });
        Assert.Contains(audit.Items, e => e.Outcome == AuditOutcome.Refused && e.Actor == "vera" && e.Operation == AuditOperation.Dispatch);
    }

    [Fact]
    public async Task List_NoKey_Is401AndAuditedInTheClusterWithoutTheKey()
    {
        using var anonymous = dashboard.Http("none");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/actions?limit=1") { Headers = { { "X-Api-Key", "unknown-key-0123456789abcdef" } } };

        await ReadProblemAsync(await anonymous.SendAsync(wrong), HttpStatusCode.Unauthorized);

        // The answer does not wait for the audit log: the entry arrives just after it.
        var entry = await Poll.UntilAsync(
            async () => (await dashboard.Admin.ListAuditAsync(new AuditQuery { Since = since, Limit = 100 })).Items
                .FirstOrDefault(e => e.Outcome == AuditOutcome.Refused && e.Detail.Contains("GET /api/actions from", StringComparison.Ordinal)),
            found => found is not null,
            Poll.DefaultTimeout,
            "the 401 in the cluster's audit log");
        Assert.Equal(AuditRecord.AnonymousActor, entry!.Actor);
        Assert.Equal(AuditOperation.Call, entry.Operation);
        Assert.DoesNotContain("unknown-key-0123456789abcdef", entry.Detail, StringComparison.Ordinal);
    }

    // With the header the page sends on every state-changing request.
    internal static Task<HttpResponseMessage> PostJsonAsync(HttpClient http, string path, string body) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Headers = { { "X-Plexus-Request", "1" } },
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        });

    internal static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return problem;
    }

    private static async Task<ActionSnapshot> ReadActionAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonSerializer.Deserialize<ActionSnapshot>(text, ActionJson.Options)!;
    }

    private static async Task<List<SseEvent>> ReadAllAsync(HttpResponseMessage response)
    {
        using var stop = new CancellationTokenSource(Deadline);
        var events = new List<SseEvent>();
        await foreach (var item in Sse.ReadAsync(response, stop.Token))
        {
            events.Add(item);
        }

        return events;
    }

    private async Task<long> CountAsync() => (await dashboard.Admin.ListAsync(new ActionQuery { Limit = 1 })).Counts.Values.Sum();
}
