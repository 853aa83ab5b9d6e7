using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Plexus.Actions;
using Plexus.Client;
using Plexus.Dashboard.Auth;
using Plexus.Feed;

namespace Plexus.Dashboard.Apis;

/// <summary>
/// Live updates as Server-Sent Events, pushed by the cluster's grain observers: one action's states and output
/// (<c>/api/actions/{id}/events</c>) and every action's changes for live tables (<c>/api/events</c>).
/// </summary>
public static class EventsApi
{
    /// <summary>The event of a new state of the action: its document without the output; its id is the action's version.</summary>
    public const string StateEvent = "state";

    /// <summary>The event of output of the action's command: <c>{"attempt", "stream", "text"}</c>.</summary>
    public const string OutputEvent = "output";

    /// <summary>The last event of an action's stream, once the action is final: <c>{"id", "status"}</c>.</summary>
    public const string EndEvent = "end";

    /// <summary>The first event of <c>/api/events</c>: the dashboard is subscribed, every later change follows.</summary>
    public const string ReadyEvent = "ready";

    /// <summary>An action changed: its <see cref="ActionChange"/>.</summary>
    public const string ChangeEvent = "change";

    /// <summary>The stream ends because the cluster was lost: a problem document; the browser reconnects.</summary>
    public const string ErrorEvent = "error";

    /// <summary>Maps both event streams.</summary>
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/actions/{id}/events", ActionEventsAsync).WithTags("Events")
            .WithSummary("An action live (text/event-stream): state, output, and a last end; resumes after Last-Event-ID")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapGet("/api/events", FeedAsync).WithTags("Events")
            .WithSummary("Every action's changes live (text/event-stream): id, status, percent, stage and the row of a listing")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return endpoints;
    }

    /// <summary>Returns <paramref name="action"/> as a state event carries it: everything but the stored output.</summary>
    public static ActionSnapshot Slim(ActionSnapshot action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.Result is { } result ? action with { Result = result with { Stdout = "", Stderr = "" } } : action;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ActionEventsAsync(
        HttpContext http, ActionClient dashboard, string id, CancellationToken cancellationToken)
    {
        var actionId = ActionClient.ParseId(id);

        // A browser that reconnects sends the last state it got: that state is not sent again, a newer one is.
        var seen = long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last : -1;
        var events = DashboardCaller.From(http.User).Client(dashboard).WatchAsync(actionId, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            // The first event comes from the subscription itself: a missing action or a refusal is still a problem answer.
            if (!await events.MoveNextAsync().ConfigureAwait(false))
            {
                throw new ActionNotFoundException(actionId);
            }

            await using var sse = new ServerSentEvents(http.Response);
            await sse.StartAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                do
                {
                    var item = events.Current;
                    if (item.Output is { } output)
                    {
                        await sse.WriteAsync(OutputEvent, JsonSerializer.Serialize(output, ActionJson.Compact), null, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    var action = item.Action!;
                    if (action.Version > seen)
                    {
                        seen = action.Version;
                        await sse.WriteAsync(StateEvent, JsonSerializer.Serialize(Slim(action), ActionJson.Compact), action.Version.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                    }

                    if (action.Status.IsFinal())
                    {
                        await sse.WriteAsync(EndEvent, JsonSerializer.Serialize(new { action.Id, action.Status }, ActionJson.Compact), null, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                }
                while (await events.MoveNextAsync().ConfigureAwait(false));
            }
            catch (Exception ex) when (Problems.From(ex) is { } problem && !cancellationToken.IsCancellationRequested)
            {
                await sse.WriteAsync(ErrorEvent, JsonSerializer.Serialize(problem.ProblemDetails, ActionJson.Compact), null, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The browser went away.
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }

        return TypedResults.Empty;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> FeedAsync(
        HttpContext http, ActionClient dashboard, CancellationToken cancellationToken)
    {
        var batches = DashboardCaller.From(http.User).Client(dashboard).WatchChangesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            // The first, empty batch says the subscription stands; a refusal before it is still a problem answer.
            if (!await batches.MoveNextAsync().ConfigureAwait(false))
            {
                return TypedResults.Empty;
            }

            await using var sse = new ServerSentEvents(http.Response);
            await sse.StartAsync(cancellationToken).ConfigureAwait(false);
            await sse.WriteAsync(ReadyEvent, "{}", null, cancellationToken).ConfigureAwait(false);
            try
            {
                while (await batches.MoveNextAsync().ConfigureAwait(false))
                {
                    foreach (var change in batches.Current)
                    {
                        await sse.WriteAsync(ChangeEvent, JsonSerializer.Serialize(change, ActionJson.Compact), null, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (Problems.From(ex) is { } problem && !cancellationToken.IsCancellationRequested)
            {
                await sse.WriteAsync(ErrorEvent, JsonSerializer.Serialize(problem.ProblemDetails, ActionJson.Compact), null, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await batches.DisposeAsync().ConfigureAwait(false);
        }

        return TypedResults.Empty;
    }
}
