using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// The real <c>plexus-client</c> against a real <c>plexus-silo</c> with API keys: each role against each command
/// (exit 77 and a message naming what is missing when refused), keys from <c>--api-key-file</c> and
/// <c>PLEXUS_API_KEY</c>, and a command's environment holding none of the silo's secrets.
/// </summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class AccessTests : IAsyncLifetime
{
    private const string FakeAwsSecret = "fake-aws-secret-do-not-leak-0123";

    private static readonly Dictionary<string, string> Keys = new()
    {
        ["viewer"] = "viewer-e2e-key-0123456789abcdef",
        ["operator"] = "operator-e2e-key-0123456789abcdef",
        ["admin"] = "admin-e2e-key-0123456789abcdef",
    };

    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    public async Task InitializeAsync()
    {
        var environment = new Dictionary<string, string?>
        {
            ["AWS_SECRET_ACCESS_KEY"] = FakeAwsSecret,
            ["CUDA_VISIBLE_DEVICES"] = "0",
            ["Plexus__Commands__printenv__Executable"] = "/usr/bin/env",
            ["Plexus__Commands__printenv__Environment__MODEL"] = "m1",
            ["Plexus__Commands__printenv__PassThrough__0"] = "CUDA_VISIBLE_DEVICES",
        };
        foreach (var (role, key) in Keys)
        {
            environment[$"Plexus__Auth__Keys__{role}-key__Key"] = key;
            environment[$"Plexus__Auth__Keys__{role}-key__Role"] = role;
        }

        _silo = await SiloProcess.StartNewAsync(environment);
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Commands_EachRole_AreAllowedOrRefusedWithExit77()
    {
        var admin = As("admin");
        var id = (await admin.RunAsync("dispatch", "--async", "sleep 30")).ShouldExit(ExitCode.Ok).Stdout.Trim();
        var finished = (await admin.RunAsync("dispatch", "--async", "echo done")).ShouldExit(ExitCode.Ok).Stdout.Trim();
        await admin.WaitForStatusAsync(Guid.Parse(finished), "Succeeded", TimeSpan.FromSeconds(30));

        // command → the least role that may run it (cancel: of the admin's action, so only an admin).
        var commands = new (string[] Arguments, string Least)[]
        {
            (["status", id], "viewer"),
            (["list", "--limit", "1"], "viewer"),
            (["output", finished], "viewer"),
            (["watch", finished], "viewer"),
            (["dispatch", "--async", "echo hi"], "operator"),
            (["audit", "--limit", "1"], "admin"),
            (["cancel", id], "admin"),
        };
        string[] rank = ["none", "viewer", "operator", "admin"];
        var failures = new List<string>();
        foreach (var (arguments, least) in commands)
        {
            foreach (var role in rank)
            {
                var result = await As(role).RunAsync(arguments);
                var allowed = Array.IndexOf(rank, role) >= Array.IndexOf(rank, least);
                var expected = allowed ? ExitCode.Ok : ExitCode.AccessDenied;
                if (result.ExitCode != expected || (!allowed && !result.Stderr.Contains("Access denied: ", StringComparison.Ordinal)))
                {
                    failures.Add($"{role}: expected exit {expected}\n{result}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Dispatch_NoKey_Exits77NamingTheMissingKeyAndStoresNothing()
    {
        var rowsBefore = await Silo.CountStoredRowsAsync();

        var result = await Silo.Client.RunAsync("dispatch", "echo hi");

        result.ShouldExit(ExitCode.AccessDenied);
        Assert.Contains("needs an API key with the operator role, and none was sent", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--api-key-file", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(rowsBefore, await Silo.CountStoredRowsAsync());
    }

    [Fact]
    public async Task Dispatch_ApiKeyFile_IsUsedAndTheKeyNeverShows()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, Keys["operator"] + "\n");
        try
        {
            var result = await Silo.Client.RunAsync("--api-key-file", file, "dispatch", "--json", "echo from a key file");

            result.ShouldExit(ExitCode.Ok);
            Assert.Equal("operator-key", JsonOutput.Parse(result).GetProperty("submitter").GetString());
            Assert.DoesNotContain(Keys["operator"], result.Stdout + result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(Keys["operator"], Silo.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Dispatch_CommandPrintingItsEnvironment_ShowsNoneOfTheSilosSecrets()
    {
        var result = await As("operator").RunAsync("dispatch", "printenv");

        result.ShouldExit(ExitCode.Ok);
        var variables = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('=', 2)[0]).ToHashSet();
        Assert.DoesNotContain(FakeAwsSecret, result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", variables);
        Assert.All(Keys.Values, key => Assert.DoesNotContain(key, result.Stdout, StringComparison.Ordinal));
        Assert.DoesNotContain(variables, name => name.StartsWith("Plexus__", StringComparison.Ordinal));
        Assert.Contains("PATH", variables);
        Assert.Contains("MODEL=m1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("CUDA_VISIBLE_DEVICES=0", result.Stdout, StringComparison.Ordinal);
    }

    private PlexusClient As(string role) => role == "none"
        ? Silo.Client
        : Silo.Client.With(new Dictionary<string, string?> { ["PLEXUS_API_KEY"] = Keys[role] });
}
