using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>One silo for all the tests of <see cref="SharedSiloCollection"/>: starting one costs seconds.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private SiloProcess? _silo;

    /// <summary>Gets the running silo.</summary>
    public SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo fixture is not initialized.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _silo = await SiloProcess.StartNewAsync();

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
[CollectionDefinition(Name)]
public sealed class SharedSiloCollection : ICollectionFixture<SiloFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Shared silo";
}
