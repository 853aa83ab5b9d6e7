namespace Plexus.Tests.EndToEnd;

/// <summary>
/// The programs under test. The test project references the silo and client projects, so their apphosts
/// (and the demo command the silo ships) are copied beside the test assembly.
/// </summary>
public static class Binaries
{
    /// <summary>Gets the path of <c>plexus-silo</c>.</summary>
    public static string Silo => Find("plexus-silo");

    /// <summary>Gets the path of <c>plexus-client</c>.</summary>
    public static string Client => Find("plexus-client");

    private static string Find(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? name + ".exe" : name);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"{path} is missing: build tests/Plexus.Tests, which copies the apphosts of the projects it references beside itself.", path);
    }
}
