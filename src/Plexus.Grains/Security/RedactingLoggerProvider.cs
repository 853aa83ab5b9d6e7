using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Plexus.Security;

/// <summary>
/// Wraps a logger provider (the console, any other) so that every message and exception it writes is scrubbed of the
/// <see cref="ConfiguredSecrets"/>. <see cref="AddSecretRedaction"/> wraps every provider a host registered.
/// </summary>
public sealed class RedactingLoggerProvider(ILoggerProvider inner, ConfiguredSecrets secrets) : ILoggerProvider, ISupportExternalScope
{
    /// <summary>
    /// Wraps every <see cref="ILoggerProvider"/> registered in <paramref name="services"/> so far. Call it after the
    /// logging is configured. Filter rules for one provider by name (<c>Logging:Console:LogLevel</c>) no longer
    /// match the wrapper; rules without a provider name apply as before.
    /// </summary>
    public static void AddSecretRedaction(IServiceCollection services, ConfiguredSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(secrets);
        var providers = services.Where(d => d.ServiceType == typeof(ILoggerProvider) && !d.IsKeyedService).ToList();
        foreach (var descriptor in providers)
        {
            services.Remove(descriptor);
            services.AddSingleton<ILoggerProvider>(sp => new RedactingLoggerProvider(Create(sp, descriptor), secrets));
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), secrets);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped)
        {
            scoped.SetScopeProvider(scopeProvider);
        }
    }

    /// <inheritdoc />
    public void Dispose() => inner.Dispose();

    private static ILoggerProvider Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (ILoggerProvider)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    private sealed class RedactingLogger(ILogger inner, ConfiguredSecrets secrets) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var shown = exception is not null && secrets.Appear(exception.ToString()) ? new RedactedException(secrets.Scrub(exception.ToString())) : exception;
            inner.Log(logLevel, eventId, state, shown, (s, e) => secrets.Scrub(formatter(s, exception)));
        }
    }

    // An exception whose text held a secret, printed as its scrubbed text.
    private sealed class RedactedException(string text) : Exception(text)
    {
        public override string ToString() => Message;

        public override string? StackTrace => null;
    }
}
