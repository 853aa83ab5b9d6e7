using System.Net;
using Plexus.Silo.Http;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// The silo as its container image runs it: under tini as process 1 of a process-id namespace of its own (what
/// <c>docker run</c> gives the image's entrypoint), the published binaries' commands keep their exit codes and the
/// image's health check answers. No OCI build tool can run here, so the namespace stands in for the container.
/// </summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class InitProcessTests : IAsyncLifetime
{
    // Where Debian's package (and the image's Dockerfile) puts it.
    private const string Tini = "/usr/bin/tini";

    private SiloProcess? _silo;

    private SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Tini), $"{Tini} is missing: install it with `apt-get install tini` (.ci/run does).");

        // The image's ENTRYPOINT, in a user and process-id namespace of its own: tini is process 1, the silo its child.
        string[] launcher = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", Tini, "-g", "--"];
        _silo = await SiloProcess.StartNewAsync(
            new Dictionary<string, string?>
            {
                ["Plexus__Commands__sh__Executable"] = "/bin/sh",
                ["Plexus__Commands__sh__Arguments__0"] = "-c",
            },
            launcher);
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("true", 0)]
    [InlineData("false", 1)]
    [InlineData("sh 'exit 7'", 7)]
    [InlineData("sh 'sleep 0.2 & exit 42'", 42)]
    public async Task Dispatch_UnderTiniAsProcess1_CommandsKeepTheirExitCodes(string command, int exitCode)
    {
        var result = await Silo.Client.RunAsync("dispatch", command);

        result.ShouldExit(exitCode);
    }

    [Fact]
    public async Task HealthCheck_UnderTiniAsProcess1_LiveAnswers200()
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(Silo.Http, SiloHttp.LivePath));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("=== unshare", Silo.Output, StringComparison.Ordinal);
    }
}
