using System.Text.Json;

namespace Plexus.Tests.Unit;

/// <summary>
/// The client library (Plexus.Client) and the client side of the <c>Aws</c> profile it uses (Plexus.Aws.Client,
/// Plexus.Aws) must be usable by any client host without silo packages: their restored dependency closures are read
/// from the projects' <c>project.assets.json</c>.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ClientDependencyTests
{
    private static readonly string[] SiloPackages = ["Microsoft.Orleans.Server", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Reminders"];

    [Fact]
    public void PlexusClient_DependencyClosure_HoldsNoSiloPackageNorTheCommandLine()
    {
        var closure = PackagesOf("Plexus.Client");

        Assert.Contains("Microsoft.Orleans.Client", closure);
        Assert.Contains("Plexus.Aws.Client", closure);
        Assert.Empty(closure.Intersect([.. SiloPackages, "System.CommandLine", "Plexus.Aws.DynamoDb", "Plexus.Grains"], StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void PlexusAwsClient_DependencyClosure_HoldsNoSiloPackage()
    {
        var closure = PackagesOf("Plexus.Aws.Client");

        Assert.Contains("Microsoft.Orleans.Client", closure);
        Assert.Contains("AWSSDK.DynamoDBv2", closure);
        Assert.Empty(closure.Intersect(SiloPackages, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void PlexusAws_DependencyClosure_HoldsNoSiloPackage()
    {
        var closure = PackagesOf("Plexus.Aws");

        Assert.Contains("AWSSDK.Core", closure);
        Assert.Empty(closure.Intersect(SiloPackages, StringComparer.OrdinalIgnoreCase));
    }

    // Every package and project the restore put in the closure of `project` (the "libraries" of its assets file).
    private static HashSet<string> PackagesOf(string project)
    {
        // UseArtifactsOutput (Directory.Build.props) puts every project's obj folder under artifacts/obj/<project>.
        var assets = Repository.Path("artifacts", "obj", project, "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: restore the project first (`dotnet restore src/{project}`, or build tests/Plexus.Tests, which restores it).");
        using var document = JsonDocument.Parse(File.ReadAllText(assets));
        return document.RootElement.GetProperty("libraries").EnumerateObject()
            .Select(library => library.Name.Split('/')[0])
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}
