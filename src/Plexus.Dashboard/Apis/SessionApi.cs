using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Plexus.Dashboard.Auth;
using Plexus.Security;

namespace Plexus.Dashboard.Apis;

/// <summary>
/// <c>/api/session</c>: the page logs in once with a key (in the body, never in a URL) and gets an HttpOnly,
/// SameSite=Strict session cookie that later requests — event streams included — carry instead of the key.
/// </summary>
public static class SessionApi
{
    /// <summary>Who the caller is and what the page may show them.</summary>
    /// <param name="Name">The key's name, or the local user for the local admin.</param>
    /// <param name="Role">The role: viewer, operator, admin or service.</param>
    /// <param name="CanDispatch">Whether the role may dispatch and cancel.</param>
    /// <param name="LocalAdmin">Whether no keys are configured and this is a loopback caller.</param>
    public sealed record SessionInfo(string Name, string Role, bool CanDispatch, bool LocalAdmin);

    /// <summary>The body of a login.</summary>
    /// <param name="Key">The API key.</param>
    public sealed record LoginRequest(string? Key);

    /// <summary>Maps the session endpoints; <c>POST</c> and <c>DELETE</c> need no session, <c>GET</c> does.</summary>
    public static RouteGroupBuilder MapSessionApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var session = endpoints.MapGroup("/api/session").WithTags("Session");
        session.MapGet("/", (HttpContext http) => TypedResults.Ok(Info(DashboardCaller.From(http.User))))
            .WithSummary("Who the session (or the key sent) is").RequireAuthorization();
        session.MapPost("/", LoginAsync).WithSummary("Log in with a key: sets the session cookie").AllowAnonymous()
            .Accepts<LoginRequest>("application/json").ProducesProblem(StatusCodes.Status401Unauthorized);
        session.MapDelete("/", async (HttpContext http) =>
        {
            await http.SignOutAsync(DashboardAuthentication.CookieScheme).ConfigureAwait(false);
            return TypedResults.NoContent();
        }).WithSummary("Log out: removes the session cookie").AllowAnonymous();
        return session;
    }

    private static async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> LoginAsync(HttpContext http, ApiKeys keys, CancellationToken cancellationToken)
    {
        LoginRequest? body = null;
        try
        {
            body = await JsonSerializer.DeserializeAsync<LoginRequest>(http.Request.Body, JsonSerializerOptions.Web, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            // Answered below like a missing key; the message of a parse error could quote the key.
        }

        if (body?.Key is not { Length: > 0 } key)
        {
            return Problems.Problem(StatusCodes.Status400BadRequest, "Invalid request", "Send the API key as {\"key\": \"…\"}.");
        }

        var (caller, refusal) = DashboardAuthentication.Check(keys, key.Trim(), http.Connection.RemoteIpAddress);
        if (caller is null)
        {
            DashboardAuthentication.Refused(http, refusal!);
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Not authenticated", refusal!);
        }

        await http.SignInAsync(DashboardAuthentication.CookieScheme, caller.ToPrincipal(DashboardAuthentication.CookieScheme)).ConfigureAwait(false);
        return TypedResults.Ok(Info(caller));
    }

    private static SessionInfo Info(DashboardCaller caller) =>
        new(caller.DisplayName, caller.Role.Name(), caller.Role != Role.Viewer, caller.IsLocalAdmin);
}
