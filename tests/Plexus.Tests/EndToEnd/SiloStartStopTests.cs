using System.Net;
using System.Net.Sockets;
using System.Text;
using CliWrap;

namespace Plexus.Tests.EndToEnd;

/// <summary>A stop signal that comes while the silo is still starting: one line, no stack trace, exit 0.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class SiloStartStopTests
{
    [Fact]
    public async Task Sigterm_WhileWaitingOnDynamoDb_EndsCleanlyWithOneLine()
    {
        // A "DynamoDB" that accepts connections and never answers: the silo's start waits on it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var (siloPort, gatewayPort) = FreePort.NextPair();
        var output = new StringBuilder();
        var process = Cli.Wrap(Binaries.Silo)
            .WithArguments(["--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}", "--http-port", "0"])
            .WithEnvironmentVariables(new Dictionary<string, string?>
            {
                ["PLEXUS_PROFILE"] = "aws",
                ["AWS_REGION"] = "us-east-1",
                ["AWS_ACCESS_KEY_ID"] = "test",
                ["AWS_SECRET_ACCESS_KEY"] = "test",
                ["Plexus__Aws__DynamoDbServiceUrl"] = $"http://127.0.0.1:{port}",
                ["Plexus__Aws__SqsServiceUrl"] = $"http://127.0.0.1:{port}",
                ["Plexus__AdvertisedIp"] = "127.0.0.1",
                ["Plexus__Auth__Keys__tests__Key"] = "start-stop-test-key-0123456789",
                ["Plexus__Auth__Keys__tests__Role"] = "admin",
                ["Plexus__Auth__ClusterSecret"] = SiloProcess.ClusterSecret,
            })
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync();

        // A silo that ends before it asks DynamoDB anything (a refused setting) fails here with its output, not by the timeout.
        var connecting = listener.AcceptTcpClientAsync();
        if (await Task.WhenAny(connecting, process.Task).WaitAsync(TimeSpan.FromSeconds(60)) != connecting)
        {
            Assert.Fail($"plexus-silo ended before it called DynamoDB; output:\n{output}");
        }

        using var accepted = await connecting;
        await Cli.Wrap("kill").WithArguments(["-TERM", $"{process.ProcessId}"]).ExecuteAsync();
        var result = await process.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var text = output.ToString();
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}; output:\n{text}");
        Assert.Contains("plexus-silo: stopped while starting", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", text, StringComparison.Ordinal);
    }
}
