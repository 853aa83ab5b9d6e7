using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Plexus.Actions;
using Plexus.Client;
using Plexus.Dashboard.Auth;
using Plexus.Queries;

namespace Plexus.Dashboard.Apis;

/// <summary>
/// <c>/api/actions</c>: dispatch, list, get, cancel, output. Every document is the one <c>plexus-client … --json</c>
/// prints (<see cref="ActionJson"/>); every call goes to the cluster for the authenticated caller, whose role the
/// cluster checks.
/// </summary>
public static class ActionsApi
{
    /// <summary>Maps the actions API.</summary>
    public static RouteGroupBuilder MapActionsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/api/actions").WithTags("Actions");
        api.MapPost("/", DispatchAsync).WithSummary("Dispatch an action (the options of plexus-client dispatch --async)")
            .Accepts<DispatchRequest>("application/json").ProducesValidationProblem().ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/", ListAsync).WithSummary("List actions, newest first, with counts per status (plexus-client list --json)").ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/{id}", GetAsync).WithSummary("An action's document (plexus-client status --json)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/cancel", CancelAsync).WithSummary("Cancel an action").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/output", OutputAsync).WithSummary("An action's stored output, as text (plexus-client output)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<JsonHttpResult<ActionSnapshot>, ValidationProblem, ProblemHttpResult>> DispatchAsync(
        HttpContext http, ActionClient dashboard, CancellationToken cancellationToken)
    {
        DispatchRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<DispatchRequest>(http.Request.Body, ActionJson.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            var why = ex.Message.Replace(typeof(DispatchRequest).FullName!, "the dispatch request", StringComparison.Ordinal);
            return Problems.Problem(StatusCodes.Status400BadRequest, "Invalid request", $"The body is not a dispatch request: {why} Its members: {DispatchRequest.Members}.");
        }

        if (body is null)
        {
            return Problems.Problem(StatusCodes.Status400BadRequest, "Invalid request", "The body is empty: send {\"command\": \"…\"} and any other options.");
        }

        var caller = DashboardCaller.From(http.User);
        var (request, errors) = body.ToRequest(caller.DisplayName);
        if (request is null)
        {
            return TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(e => e)), title: "The request breaks a rule");
        }

        try
        {
            var queued = await caller.Client(dashboard).DispatchAsync(request, cancellationToken).ConfigureAwait(false);
            http.Response.Headers.Location = $"/api/actions/{queued.Id}";
            return TypedResults.Json(queued, ActionJson.Options, statusCode: StatusCodes.Status201Created);
        }
        catch (CommandRejectedException rejected)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["command"] = [rejected.Message] },
                detail: rejected.Message,
                title: "Command refused",
                extensions: new Dictionary<string, object?> { ["rule"] = rejected.Rule });
        }
    }

    private static async Task<Results<JsonHttpResult<ActionPage>, ProblemHttpResult>> ListAsync(
        HttpContext http, ActionClient dashboard, string[]? status, string? command, string? submitter, string? since, string? until,
        int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var statuses = new List<ActionStatus>();
        foreach (var word in (status ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Enum.TryParse<ActionStatus>(word, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || char.IsAsciiDigit(word[0]))
            {
                return Problems.Problem(StatusCodes.Status400BadRequest, "Invalid request",
                    $"status '{word}' is not a status: use {string.Join(", ", Enum.GetNames<ActionStatus>())}.");
            }

            statuses.Add(parsed);
        }

        var now = DateTimeOffset.Now;
        var query = new ActionQuery
        {
            Statuses = [.. statuses],
            CommandPrefix = command is { Length: > 0 } ? command : null,
            Submitter = submitter is { Length: > 0 } ? submitter : null,
            Since = since is { Length: > 0 } ? TimeFilter.Parse(since, "since", now) : null,
            Until = until is { Length: > 0 } ? TimeFilter.Parse(until, "until", now) : null,
            Limit = limit ?? ActionQuery.DefaultLimit,
            Cursor = cursor is { Length: > 0 } ? cursor : null,
        };
        var page = await DashboardCaller.From(http.User).Client(dashboard).ListAsync(query, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(page, ActionJson.Options);
    }

    private static async Task<Results<JsonHttpResult<ActionSnapshot>, ProblemHttpResult>> GetAsync(
        HttpContext http, ActionClient dashboard, string id, CancellationToken cancellationToken)
    {
        var actionId = ActionClient.ParseId(id);
        var action = await DashboardCaller.From(http.User).Client(dashboard).GetAsync(actionId, cancellationToken).ConfigureAwait(false)
            ?? throw new ActionNotFoundException(actionId);
        return TypedResults.Json(action, ActionJson.Options);
    }

    private static async Task<JsonHttpResult<CancelResult>> CancelAsync(
        HttpContext http, ActionClient dashboard, string id, CancellationToken cancellationToken)
    {
        var actionId = ActionClient.ParseId(id);
        var caller = DashboardCaller.From(http.User);
        var answer = await caller.Client(dashboard).CancelAsync(actionId, caller.DisplayName, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(answer, ActionJson.Options);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> OutputAsync(
        HttpContext http, ActionClient dashboard, string id, string? stream, int? tail, CancellationToken cancellationToken)
    {
        var actionId = ActionClient.ParseId(id);
        if (stream is not (null or "stdout" or "stderr"))
        {
            return Problems.Problem(StatusCodes.Status400BadRequest, "Invalid request", $"stream '{stream}' is not a stream: use stdout or stderr.");
        }

        if (tail is < 0)
        {
            return Problems.Problem(StatusCodes.Status400BadRequest, "Invalid request", $"tail must be 0 or more lines; it is {tail}.");
        }

        var action = await DashboardCaller.From(http.User).Client(dashboard).GetAsync(actionId, cancellationToken).ConfigureAwait(false)
            ?? throw new ActionNotFoundException(actionId);

        // Output is stored when an attempt ends; until then it is empty here and live on the action's event stream.
        var text = action.Result is { } result ? (stream == "stderr" ? result.Stderr : result.Stdout) : "";
        return TypedResults.Text(tail is { } lines ? OutputText.Tail(text, lines) : text, "text/plain; charset=utf-8");
    }
}
