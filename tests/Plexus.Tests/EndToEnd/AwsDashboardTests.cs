using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CliWrap;
using Plexus.Tests.Aws.DynamoDb;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// The dashboard's production shape: <c>plexus-dashboard</c> as its own process of the <c>Aws</c> profile, finding a
/// <c>plexus-silo</c> of that profile only through the DynamoDB membership table (DynamoDB Local, fauxqs), calling
/// with its <c>service</c> key for the operator whose key the HTTP request carries.
/// </summary>
[Trait(Category.Name, Category.Aws)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class AwsDashboardTests : IAsyncLifetime
{
    private const string ReadyLine = "Plexus dashboard ready";
    private const string OperatorKey = "aws-dashboard-operator-key-0123456789";
    private const string DashboardKey = "aws-dashboard-service-key-0123456789";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly int _httpPort = FreePort.Next();
    private readonly StringBuilder _output = new();
    private readonly CancellationTokenSource _kill = new();
    private SiloProcess? _silo;
    private CommandTask<CommandResult>? _dashboard;

    private Uri Http => new($"http://127.0.0.1:{_httpPort}");

    // What the silo and the dashboard share: the cluster, its tables and queues, and the keys.
    private Dictionary<string, string?> Settings => new()
    {
        ["PLEXUS_PROFILE"] = "aws",
        ["Plexus__ClusterId"] = $"dash-{_run}",
        ["Plexus__Aws__TablePrefix"] = DynamoDbLocal.TablePrefix($"dash{_run}"),
        ["Plexus__Aws__QueuePrefix"] = $"dash-{_run}",
        ["Plexus__Auth__Keys__otto__Key"] = OperatorKey,
        ["Plexus__Auth__Keys__otto__Role"] = "operator",
        ["Plexus__Auth__Keys__dashboard__Key"] = DashboardKey,
        ["Plexus__Auth__Keys__dashboard__Role"] = "service",
    };

    public async Task InitializeAsync()
    {
        var silo = Settings;
        silo["Plexus__AdvertisedIp"] = "127.0.0.1";
        silo["Plexus__Auth__ClusterSecret"] = SiloProcess.ClusterSecret;
        _silo = await SiloProcess.StartNewAsync(silo);

        var dashboard = Settings;
        dashboard["Plexus__ApiKey"] = DashboardKey;
        dashboard["Plexus__HttpPort"] = _httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var command = Cli.Wrap(Binaries.Dashboard).WithEnvironmentVariables(dashboard);
        (_dashboard, var failure) = await ReadyProcess.StartAsync(command, ReadyLine, Append, StartTimeout, _kill.Token);
        if (failure is not null)
        {
            throw new InvalidOperationException($"plexus-dashboard {failure}. Its output:\n{Output}");
        }
    }

    public async Task DisposeAsync()
    {
        await _kill.CancelAsync();
        if (_dashboard is not null)
        {
            await Task.WhenAny(_dashboard.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        }

        _kill.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dispatch_ThroughTheStandaloneDashboard_RunsOnTheSiloItFoundInDynamoDbForTheOperator()
    {
        using var http = new HttpClient { BaseAddress = Http };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperatorKey);

        using var ready = await http.GetAsync("/health/ready");
        Assert.True(ready.StatusCode == HttpStatusCode.OK, $"/health/ready answered {ready.StatusCode}. Its output:\n{Output}");
        using var dispatch = new HttpRequestMessage(HttpMethod.Post, "/api/actions")
        {
            Headers = { { "X-Plexus-Request", "1" } },
            Content = new StringContent("""{"command": "echo through the dashboard"}""", Encoding.UTF8, "application/json"),
        };
        using var created = await http.SendAsync(dispatch);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST /api/actions answered {created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        var action = await Poll.UntilAsync(
            async () => JsonDocument.Parse(await http.GetStringAsync($"/api/actions/{id}")).RootElement,
            document => document.GetProperty("status").GetString() == "Succeeded",
            Poll.DefaultTimeout,
            $"action {id} Succeeded",
            document => document.GetProperty("status").GetString() ?? "");

        Assert.Equal("otto", action.GetProperty("submitter").GetString());
        Assert.Equal("through the dashboard\n", await http.GetStringAsync($"/api/actions/{id}/output?stream=stdout"));
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
