using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>One silo for all the tests of <see cref="SharedSiloCollection"/>: starting one costs seconds.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private SiloProcess? _silo;

    /// <summary>Gets the running silo.</summary>
    public SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo fixture is not initialized.");

    /// <inheritdoc />
    // Retries wait a fifth of a second instead of seconds, so retry tests stay quick.
    public async Task InitializeAsync() => _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
    {
        ["Plexus__Retry__InitialDelay"] = "00:00:00.2",
    });

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}

/// <summary>The end-to-end tests that share one silo; they run one after another, so row counts are stable within a test.</summary>
/// <remarks>
/// Not parallel with other collections: a silo and a client process each want a core while they start, and CI has
/// two. Run alone, every step stays near its usual second and far from its deadline.
/// </remarks>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedSiloCollection : ICollectionFixture<SiloFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Shared silo";
}

/// <summary>The end-to-end tests that start processes of their own (or none that listen); not parallel, for the same reason.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StandaloneProcessCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "Standalone processes";
}
