using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// A real silo configured with every kind of secret (API keys, the cluster secret, AWS credentials in the environment
/// and in settings, a token in a catalog entry's environment), put through dispatches that succeed, fail and are refused:
/// none of the secrets shows in the silo's log, the CLI's output, results, the audit log or either program's --help.
/// </summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class SecretsTests : IAsyncLifetime
{
    private const string AdminKey = "secrets-admin-key-0123456789abcdef";

    private static readonly Dictionary<string, string?> Secrets = new()
    {
        ["Plexus__Auth__Keys__admin__Key"] = AdminKey,
        ["Plexus__Auth__ClusterSecret"] = "secrets-cluster-secret-0123456789abcdef",
        ["AWS_SECRET_ACCESS_KEY"] = "secrets-aws-secret-access-key-0123",
        ["AWS_SESSION_TOKEN"] = "secrets-aws-session-token-0123456",
        ["Plexus__Aws__SecretKey"] = "secrets-settings-secret-key-0123",
        ["Plexus__Commands__deploy__Executable"] = "/bin/true",
        ["Plexus__Commands__deploy__Environment__DEPLOY_TOKEN"] = "secrets-deploy-token-0123456789",
    };

    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    public async Task InitializeAsync() =>
        _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>(Secrets) { ["Plexus__Auth__Keys__admin__Role"] = "admin" });

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Silo_SecretsConfigured_NoneAppearsInLogsResultsAuditOrHelp()
    {
        var admin = Silo.Client.With(new Dictionary<string, string?> { ["PLEXUS_API_KEY"] = AdminKey });
        var stranger = Silo.Client.With(new Dictionary<string, string?> { ["PLEXUS_API_KEY"] = "secrets-unknown-key-0123456789" });
        var outputs = new List<ProcessResult>
        {
            (await admin.RunAsync("dispatch", "--json", "echo fine")).ShouldExit(ExitCode.Ok),
            await admin.RunAsync("dispatch", "--json", "missing now"),
            await admin.RunAsync("dispatch", "--json", "no-such-command"),
            await admin.RunAsync("dispatch", "--json", "deploy"),
            await stranger.RunAsync("dispatch", "echo refused"),
            (await admin.RunAsync("list", "--json")).ShouldExit(ExitCode.Ok),
            (await admin.RunAsync("audit", "--json", "--limit", "100")).ShouldExit(ExitCode.Ok),
            await admin.RunAsync("--help"),
            await admin.RunAsync("dispatch", "--help"),
            await ProcessRunner.RunAsync(Binaries.Silo, ["--help"], TimeSpan.FromSeconds(60), Secrets),
        };
        Assert.Equal(ExitCode.AccessDenied, outputs[4].ExitCode);
        Assert.Contains("Refused", outputs[6].Stdout, StringComparison.Ordinal);

        var everything = string.Join("\n", outputs.Select(o => o.ToString())) + "\n--- silo ---\n" + Silo.Output;
        foreach (var (name, value) in Secrets.Where(s => !s.Key.EndsWith("Executable", StringComparison.Ordinal)))
        {
            Assert.False(everything.Contains(value!, StringComparison.Ordinal), $"{name} shows:\n{everything}");
        }
    }
}
