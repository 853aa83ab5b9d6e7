namespace Plexus.Tests;

/// <summary>
/// The trait every test class carries, so one part of the suite runs alone:
/// <c>./scripts/test.sh --filter Category=Unit</c> (or <c>Cluster</c>, <c>EndToEnd</c>, <c>Aws</c>).
/// </summary>
public static class Category
{
    /// <summary>The trait's name.</summary>
    public const string Name = "Category";

    /// <summary>In-process tests of one class or provider on local resources only (SQLite files, child processes).</summary>
    public const string Unit = "Unit";

    /// <summary>Tests against in-process Orleans silos configured as the embedded default.</summary>
    public const string Cluster = "Cluster";

    /// <summary>Tests that run the real <c>plexus-silo</c> and <c>plexus-client</c> processes.</summary>
    public const string EndToEnd = "EndToEnd";

    /// <summary>Tests of the Aws profile and its providers; most need the local emulators (DynamoDB Local, fauxqs).</summary>
    public const string Aws = "Aws";
}
