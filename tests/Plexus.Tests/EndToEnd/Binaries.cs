namespace Plexus.Tests.EndToEnd;

/// <summary>
/// The programs under test. The test project references the silo and client projects, so their apphosts
/// (and the demo command the silo ships) are copied beside the test assembly. The client runs from its own output
/// folder: beside the tests, the libraries it shares with ASP.NET Core (which the silo brings) are not copied.
/// </summary>
public static class Binaries
{
    /// <summary>Gets the path of <c>plexus-silo</c>.</summary>
    public static string Silo => Find("plexus-silo");

    /// <summary>Gets the path of <c>plexus-dashboard</c>, the standalone dashboard.</summary>
    public static string Dashboard => Find("plexus-dashboard");

    /// <summary>Gets the path of <c>plexus-client</c>.</summary>
    public static string Client => Find("plexus-client", OwnOutput("Plexus.Cli"));

    // artifacts/bin/<project>/<configuration>/, beside the tests' own artifacts/bin/Plexus.Tests/<configuration>/.
    private static string OwnOutput(string project)
    {
        var tests = new DirectoryInfo(AppContext.BaseDirectory);
        return Path.Combine(tests.Parent!.Parent!.FullName, project, tests.Name);
    }

    private static string Find(string name, string? folder = null)
    {
        var path = Path.Combine(folder ?? AppContext.BaseDirectory, OperatingSystem.IsWindows() ? name + ".exe" : name);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"{path} is missing: build tests/Plexus.Tests, which copies the apphosts of the projects it references beside itself.", path);
    }
}
