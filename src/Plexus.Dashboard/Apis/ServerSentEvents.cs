using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Plexus.Dashboard.Apis;

/// <summary>
/// Writes one <c>text/event-stream</c> response: events, and a comment every <see cref="KeepAlive"/> so proxies keep
/// an idle stream open and a browser that went away is noticed. Writes are serialized; each is flushed at once.
/// </summary>
internal sealed class ServerSentEvents(HttpResponse response) : IAsyncDisposable
{
    /// <summary>How often an idle stream gets a comment.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    // How long a browser waits before it reconnects after a lost stream.
    private const int RetryMilliseconds = 2000;

    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _keepAlive = Task.CompletedTask;

    /// <summary>Sends the headers and starts the keep-alive comments.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await WriteRawAsync($"retry: {RetryMilliseconds}\n\n", cancellationToken).ConfigureAwait(false);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token).Token;
        _keepAlive = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(KeepAlive, stop).ConfigureAwait(false);
                    await WriteRawAsync(": keep-alive\n\n", stop).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }, CancellationToken.None);
    }

    /// <summary>Sends an event named <paramref name="type"/> with <paramref name="data"/> (one line of JSON) and, if given, its <paramref name="id"/>.</summary>
    public Task WriteAsync(string type, string data, string? id, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.Append("event: ").Append(type).Append('\n');
        if (id is not null)
        {
            text.Append("id: ").Append(id).Append('\n');
        }

        foreach (var line in data.Split('\n'))
        {
            text.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        }

        return WriteRawAsync(text.Append('\n').ToString(), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _keepAlive.ConfigureAwait(false);
        _stop.Dispose();
        _write.Dispose();
    }

    private async Task WriteRawAsync(string text, CancellationToken cancellationToken)
    {
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _write.Release();
        }
    }
}
