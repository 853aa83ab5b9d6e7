using System.Net;

namespace Plexus.Tests.Dashboard;

/// <summary>
/// Each caller (no key, a wrong key, viewer, operator, admin, service) against each endpoint of the dashboard: allowed,
/// 401 (no or a wrong key) or 403 (a role too low, decided by the cluster for the end user the dashboard calls for).
/// </summary>
[Collection(DashboardCollection.Name)]
[Trait(Category.Name, Category.EndToEnd)]
public sealed class DashboardRoleMatrixTests(DashboardFixture dashboard)
{
    public static TheoryData<string, string, int> Matrix()
    {
        // endpoint → the callers that may use it; the cancel is of the admin's action, which only an admin may cancel.
        var allowed = new Dictionary<string, string[]>
        {
            ["dispatch"] = ["otto", "ada", "sven"],
            ["list"] = ["vera", "otto", "ada", "sven"],
            ["get"] = ["vera", "otto", "ada", "sven"],
            ["cancel"] = ["ada"],
            ["output"] = ["vera", "otto", "ada", "sven"],
            ["action-events"] = ["vera", "otto", "ada", "sven"],
            ["events"] = ["vera", "otto", "ada", "sven"],
            ["session"] = ["vera", "otto", "ada", "sven"],
        };
        var data = new TheoryData<string, string, int>();
        foreach (var (endpoint, who) in allowed)
        {
            foreach (var caller in new[] { "none", "wrong", "vera", "otto", "ada", "sven" })
            {
                var status = caller is "none" or "wrong" ? 401 : who.Contains(caller) ? (endpoint == "dispatch" ? 201 : 200) : 403;
                data.Add(caller, endpoint, status);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Endpoint_Caller_IsAllowedOrRefusedByRole(string caller, string endpoint, int expected)
    {
        var id = await dashboard.AdminsFinishedActionAsync();
        using var http = dashboard.Http(caller);

        using var response = endpoint switch
        {
            "dispatch" => await DashboardApiTests.PostJsonAsync(http, "/api/actions", """{"command": "echo matrix"}"""),
            "list" => await http.GetAsync("/api/actions?limit=1"),
            "get" => await http.GetAsync($"/api/actions/{id}"),
            "cancel" => await DashboardApiTests.PostJsonAsync(http, $"/api/actions/{id}/cancel", ""),
            "output" => await http.GetAsync($"/api/actions/{id}/output"),
            "action-events" => await Sse.OpenAsync(http, $"/api/actions/{id}/events"),
            "events" => await Sse.OpenAsync(http, "/api/events"),
            "session" => await http.GetAsync("/api/session"),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null),
        };

        if (expected >= 400)
        {
            await DashboardApiTests.ReadProblemAsync(response, (HttpStatusCode)expected);
        }
        else
        {
            Assert.Equal((HttpStatusCode)expected, response.StatusCode);
        }
    }
}
