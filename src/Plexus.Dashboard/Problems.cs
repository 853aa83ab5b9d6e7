using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Plexus.Actions;
using Plexus.Client;
using Plexus.Security;

namespace Plexus.Dashboard;

/// <summary>Turns every error a caller can cause, and a lost cluster, into a problem document (RFC 9457).</summary>
public static class Problems
{
    /// <summary>Returns the problem <paramref name="error"/> is, or <see langword="null"/> for an error that is the dashboard's own.</summary>
    public static ProblemHttpResult? From(Exception error) => error switch
    {
        AccessDeniedException denied => Problem(StatusCodes.Status403Forbidden, "Forbidden", denied.Message),
        ActionNotFoundException missing => Problem(StatusCodes.Status404NotFound, "Not found", missing.Message),
        QueueFullException full => Problem(StatusCodes.Status429TooManyRequests, "Queue full", full.Message),
        ClusterUnavailableException lost => Problem(StatusCodes.Status503ServiceUnavailable, "Cluster unavailable", lost.Message),
        CommandRejectedException rejected => Problem(StatusCodes.Status400BadRequest, "Command refused", rejected.Message, new() { ["rule"] = rejected.Rule }),
        PlexusException invalid => Problem(StatusCodes.Status400BadRequest, "Invalid request", invalid.Message),
        _ => null,
    };

    /// <summary>Returns a problem with <paramref name="status"/>, <paramref name="title"/> and <paramref name="detail"/>.</summary>
    public static ProblemHttpResult Problem(int status, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    /// <summary>Writes a problem to a response that has not started, through the host's problem details service.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (context.RequestServices.GetService<IProblemDetailsService>() is not { } service
            || !await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            await TypedResults.Problem(problem).ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}

/// <summary>Answers the cluster's refusals and errors of every endpoint it is on with their problem documents.</summary>
internal sealed class ProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Problems.From(ex) is { } problem && !context.HttpContext.Response.HasStarted)
        {
            return problem;
        }
    }
}
