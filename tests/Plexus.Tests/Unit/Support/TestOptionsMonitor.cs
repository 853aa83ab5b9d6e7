using Microsoft.Extensions.Options;

namespace Plexus.Tests.Unit.Support;

/// <summary>An <see cref="IOptionsMonitor{TOptions}"/> that always returns one fixed value and never reports changes.</summary>
internal sealed class TestOptionsMonitor<TOptions>(TOptions value) : IOptionsMonitor<TOptions>
{
    public TOptions CurrentValue => value;

    public TOptions Get(string? name) => value;

    public IDisposable? OnChange(Action<TOptions, string?> listener) => null;
}
