using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>How <c>plexus-silo</c> answers its flags and a start that cannot work.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class SiloCommandLineTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    // A folder of its own, so a silo that gets as far as creating its state leaves nothing in the test's folder.
    private readonly DirectoryInfo _workingDirectory = Directory.CreateTempSubdirectory("plexus-e2e-flags-");

    [Fact]
    public async Task Silo_UnknownFlag_Exits2WithMessage()
    {
        var result = await RunSiloAsync("--bogus");

        result.ShouldExit(2);
        Assert.Contains("unknown option '--bogus'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--help", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(SiloProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_Help_Exits0WithUsage()
    {
        var result = await RunSiloAsync("--help");

        result.ShouldExit(0);
        Assert.Contains("Usage: plexus-silo [options]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--gateway-port", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(SiloProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_InvalidConcurrency_Exits1WithMessage()
    {
        var result = await RunSiloAsync(
            "--data-dir", DataDir, "--silo-port", Port(FreePort.Next()), "--gateway-port", Port(FreePort.Next()), "--http-port", "0", "--concurrency", "0");

        result.ShouldExit(1);
        Assert.Contains("plexus-silo: cannot start: Plexus:Concurrency (--concurrency) must be at least 1", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(SiloProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_GatewayPortInUse_Exits1WithMessage()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var gatewayPort = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await RunSiloAsync(
            "--data-dir", DataDir, "--silo-port", Port(FreePort.Next()), "--gateway-port", Port(gatewayPort), "--http-port", "0");

        result.ShouldExit(1);
        Assert.Contains("plexus-silo: cannot start:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("in use", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(SiloProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_AsProcess1_Exits2SayingToStartItUnderAnInit()
    {
        // util-linux unshare gives the silo a process-id namespace of its own, where it is process 1, as in a
        // container started without an init.
        string[] arguments =
        [
            "--user", "--map-root-user", "--pid", "--fork", "--mount-proc",
            Binaries.Silo, "--data-dir", DataDir, "--silo-port", Port(FreePort.Next()), "--gateway-port", Port(FreePort.Next()), "--http-port", "0",
        ];

        var result = await ProcessRunner.RunAsync("unshare", arguments, ExitTimeout, workingDirectory: _workingDirectory.FullName);

        result.ShouldExit(2);
        Assert.Contains("plexus-silo: cannot run as process 1", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("docker run --init", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDir), "the refused silo created its data folder");
    }

    [Fact]
    public async Task Silo_EcsMetadataWithoutANetwork_Exits1SayingWhatIsWrong()
    {
        await using var ecs = await Unit.Ecs.FakeEcsMetadata.StartAsync("""{"Networks": []}""");
        var environment = new Dictionary<string, string?>
        {
            ["PLEXUS_PROFILE"] = "aws",
            [Plexus.Silo.Hosting.SiloEndpoints.MetadataVariable] = ecs.MetadataUri,
            ["Plexus__Auth__Keys__tests__Key"] = "ecs-metadata-test-key-0123456789",
            ["Plexus__Auth__Keys__tests__Role"] = "admin",
            ["Plexus__Auth__ClusterSecret"] = SiloProcess.ClusterSecret,
        };

        var result = await ProcessRunner.RunAsync(
            Binaries.Silo, ["--data-dir", DataDir, "--http-port", "0"], ExitTimeout, environment, _workingDirectory.FullName);

        result.ShouldExit(1);
        Assert.Contains($"plexus-silo: cannot start: The ECS container metadata (ECS_CONTAINER_METADATA_URI_V4={ecs.MetadataUri}) cannot be used", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("it lists no network of the container", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_InvalidHttpPort_Exits1WithMessage()
    {
        var result = await RunSiloAsync("--data-dir", DataDir, "--http-port", "70000");

        result.ShouldExit(1);
        Assert.Contains("plexus-silo: cannot start: Plexus:HttpPort (--http-port) must be a port from 0 to 65535", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDir), "the refused silo created its data folder");
    }

    [Fact]
    public async Task Silo_AwsProfileWithoutKeys_Exits1WithOneLineAndNoStackTrace()
    {
        var result = await ProcessRunner.RunAsync(
            Binaries.Silo,
            ["--profile", "aws", "--data-dir", DataDir, "--silo-port", Port(FreePort.Next()), "--gateway-port", Port(FreePort.Next())],
            ExitTimeout,
            new Dictionary<string, string?> { ["Plexus__Auth__ClusterSecret"] = SiloProcess.ClusterSecret },
            _workingDirectory.FullName);

        result.ShouldExit(1);
        Assert.Equal(
            ["plexus-silo: cannot start: no API keys are configured, and this silo's gateway is reachable beyond loopback (the Aws profile): " +
             "add at least one under Plexus:Auth:Keys:<name>:Key (or :KeyHash, a SHA-256 hex) with :Role (viewer, operator, admin, service)."],
            result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain(SiloProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_AwsProfileWithoutClusterSecret_Exits1NamingTheSetting()
    {
        var result = await ProcessRunner.RunAsync(
            Binaries.Silo,
            ["--profile", "aws", "--data-dir", DataDir, "--silo-port", Port(FreePort.Next()), "--gateway-port", Port(FreePort.Next())],
            ExitTimeout,
            new Dictionary<string, string?> { ["Plexus__Auth__Keys__tests__Key"] = "no-secret-test-key-0123456789", ["Plexus__Auth__Keys__tests__Role"] = "admin" },
            _workingDirectory.FullName);

        result.ShouldExit(1);
        Assert.Equal(
            ["plexus-silo: cannot start: Plexus:Auth:ClusterSecret is not configured, and this silo's cluster spans processes (the Aws profile): " +
             "give every silo the same secret of at least 32 characters (openssl rand -hex 32), never to clients."],
            result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain(SiloProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_ShortClusterSecret_Exits1WithoutShowingIt()
    {
        var result = await RunSiloAsync(
            "--data-dir", DataDir, "--silo-port", Port(FreePort.Next()), "--gateway-port", Port(FreePort.Next()), "--Plexus:Auth:ClusterSecret", "too-short-secret");

        result.ShouldExit(1);
        Assert.Contains("plexus-silo: cannot start: Plexus:Auth:ClusterSecret is shorter than 32 characters", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("too-short-secret", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_KeyThatCannotWork_Exits1NamingTheKeyWithoutShowingIt()
    {
        var result = await ProcessRunner.RunAsync(
            Binaries.Silo,
            ["--data-dir", DataDir, "--silo-port", Port(FreePort.Next()), "--gateway-port", Port(FreePort.Next())],
            ExitTimeout,
            new Dictionary<string, string?> { ["Plexus__Auth__Keys__ci__Key"] = "short-secret", ["Plexus__Auth__Keys__ci__Role"] = "boss" },
            workingDirectory: _workingDirectory.FullName);

        result.ShouldExit(1);
        Assert.Contains("Plexus:Auth:Keys:ci:Key is shorter than 16 characters", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Plexus:Auth:Keys:ci:Role is 'boss': use one of viewer, operator, admin, service", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workingDirectory.Delete(recursive: true);

    private string DataDir => Path.Combine(_workingDirectory.FullName, "data");

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private Task<ProcessResult> RunSiloAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Binaries.Silo, arguments, ExitTimeout, workingDirectory: _workingDirectory.FullName);
}
