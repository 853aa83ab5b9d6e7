namespace Plexus.Tests;

/// <summary>The repository the tests run from: its files (docs, scripts, deploy) are part of what they check.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootFolder = new(FindRoot);

    /// <summary>Gets the folder that holds <c>Plexus.sln</c>, above the tests' build output.</summary>
    public static string Root => RootFolder.Value;

    /// <summary>Returns the path of <paramref name="parts"/> below the repository's root.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Plexus.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Plexus.sln above {AppContext.BaseDirectory}: the tests run from inside the repository.");
    }
}
