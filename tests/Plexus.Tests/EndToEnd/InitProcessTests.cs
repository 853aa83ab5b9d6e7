using System.Net;
using Plexus.Silo.Http;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// The silo as its container image runs it: the published output (<c>dotnet publish</c>, as the image's build stage
/// makes it) under tini as process 1 of a process-id namespace of its own (what <c>docker run</c> gives the image's
/// entrypoint). Its commands keep their exit codes and the image's health check answers. No OCI build tool can run
/// here, so the namespace stands in for the container.
/// </summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class InitProcessTests(InitProcessTests.PublishedSiloUnderTini published) : IClassFixture<InitProcessTests.PublishedSiloUnderTini>
{
    private SiloProcess Silo => published.Silo;

    [Theory]
    [InlineData("true", 0)]
    [InlineData("false", 1)]
    [InlineData("sh 'exit 7'", 7)]
    [InlineData("sh 'sleep 0.2 & exit 42'", 42)]
    [InlineData("demo --items 50", 0)]
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
        Assert.Contains(published.Executable, Silo.Output, StringComparison.Ordinal);
    }

    // Where Debian's package (and the image's Dockerfile) puts it.
    private const string Tini = "/usr/bin/tini";

    /// <summary>Publishes the silo once into a folder of its own and starts it as the image's entrypoint does.</summary>
    public sealed class PublishedSiloUnderTini : IAsyncLifetime
    {
        private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(5);

        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("plexus-published-");
        private SiloProcess? _silo;

        /// <summary>Gets the published <c>plexus-silo</c>.</summary>
        public string Executable => Path.Combine(_folder.FullName, "plexus-silo");

        /// <summary>Gets the silo, running under tini.</summary>
        public SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo is not started.");

        public async Task InitializeAsync()
        {
            Assert.True(File.Exists(Tini), $"{Tini} is missing: install it with `apt-get install tini` (.ci/run does).");

            // The build the tests run on is published as it is (no second build): artifacts/bin/Plexus.Tests/<configuration>/.
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Name;
            var publish = await ProcessRunner.RunAsync(
                "dotnet",
                ["publish", Repository.Path("src", "Plexus.Silo", "Plexus.Silo.csproj"), "--no-build", "-c", configuration, "-o", _folder.FullName, "--nologo"],
                PublishTimeout);
            publish.ShouldExit(0);

            // The image's ENTRYPOINT, in a user and process-id namespace of its own: tini is process 1, the silo its child.
            string[] launcher = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", Tini, "-g", "--"];
            _silo = await SiloProcess.StartNewAsync(
                new Dictionary<string, string?>
                {
                    ["Plexus__Commands__sh__Executable"] = "/bin/sh",
                    ["Plexus__Commands__sh__Arguments__0"] = "-c",
                },
                launcher,
                Executable);
        }

        public async Task DisposeAsync()
        {
            if (_silo is not null)
            {
                await _silo.DisposeAsync();
            }

            _folder.Delete(recursive: true);
        }
    }
}
