using System.Net.Http.Headers;
using System.Text;

namespace Plexus.Tests.Dashboard;

/// <summary>One Server-Sent Event as a test reads it.</summary>
public sealed record SseEvent(string Type, string? Id, string Data);

/// <summary>Reads a <c>text/event-stream</c> response event by event.</summary>
public static class Sse
{
    /// <summary>Opens <paramref name="path"/> as an event stream, with <paramref name="lastEventId"/> as a reconnecting browser sends it.</summary>
    public static async Task<HttpResponseMessage> OpenAsync(HttpClient http, string path, string? lastEventId = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>Yields the events of <paramref name="response"/> until it ends; comments and the retry hint are skipped.</summary>
    public static async IAsyncEnumerable<SseEvent> ReadAsync(HttpResponseMessage response, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        string? type = null, id = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (type is not null || data.Length > 0)
                {
                    yield return new SseEvent(type ?? "message", id, data.ToString());
                }

                (type, id) = (null, null);
                data.Clear();
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "event":
                    type = value;
                    break;
                case "id":
                    id = value;
                    break;
                case "data":
                    data.Append(data.Length > 0 ? "\n" : "").Append(value);
                    break;
            }
        }
    }
}
