using Microsoft.AspNetCore.Http;

namespace Plexus.Dashboard.Auth;

/// <summary>
/// Keeps other sites from making a logged-in browser change anything: a state-changing request that does not carry its
/// key in a header must carry <see cref="HeaderName"/>, which a page on another origin cannot send without a CORS
/// preflight the dashboard never grants. The SameSite=Strict cookie is the first guard; this one does not depend on
/// the browser honouring it.
/// </summary>
public sealed class CsrfFilter : IEndpointFilter
{
    /// <summary>The header the page sends with every state-changing request.</summary>
    public const string HeaderName = "X-Plexus-Request";

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.HttpContext.Request;
        var safe = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
        if (safe || DashboardAuthentication.PresentedKey(request) is not null || request.Headers.ContainsKey(HeaderName))
        {
            return next(context);
        }

        return ValueTask.FromResult<object?>(TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Missing request header",
            detail: $"A state-changing request authenticated by the session cookie needs the {HeaderName} header (the dashboard page sends it)."));
    }
}
