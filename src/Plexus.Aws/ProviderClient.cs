namespace Plexus.Aws;

/// <summary>
/// The SDK client of one provider: the one it was given (a keyed service, see <see cref="AwsConnectionOptions"/>),
/// or one built on first use and disposed with the provider. Built late on purpose: Orleans' own start-up validators
/// resolve the providers before the options are validated, and settings that cannot work must fail start with the
/// validator's message, not with an SDK argument error from a constructor.
/// </summary>
/// <typeparam name="TClient">The SDK's client interface, e.g. <c>IAmazonDynamoDB</c>.</typeparam>
public sealed class ProviderClient<TClient> : IDisposable
    where TClient : class, IDisposable
{
    private readonly Lazy<TClient> _client;
    private readonly bool _owned;

    /// <summary>Holds <paramref name="injected"/> when given (never disposing it), else <paramref name="create"/>'s client once asked for.</summary>
    public ProviderClient(TClient? injected, Func<TClient> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _owned = injected is null;
        _client = injected is null ? new Lazy<TClient>(create) : new Lazy<TClient>(injected);
    }

    /// <summary>Gets the client, building it the first time when none was given.</summary>
    public TClient Value => _client.Value;

    /// <summary>Disposes the client if this provider built it.</summary>
    public void Dispose()
    {
        if (_owned && _client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }
}
