using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Client;
using Plexus.Security;

namespace Plexus.Dashboard.Auth;

/// <summary>
/// Authenticates every dashboard request: an API key in <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key</c>, else
/// the session cookie the page got by logging in with a key (an <c>EventSource</c> cannot send headers), else — with
/// no keys configured — a loopback caller as the local admin. Keys are those of <c>Plexus:Auth:Keys</c>, checked by
/// <see cref="ApiKeys"/>; a key never travels in a URL and is never logged. A refused request is answered 401 with a
/// problem document and written to the log as a refusal.
/// </summary>
public sealed partial class DashboardAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    /// <summary>The name of this scheme.</summary>
    public const string SchemeName = "PlexusKey";

    /// <summary>The name of the session cookie's scheme.</summary>
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The header that carries a key besides <c>Authorization</c>.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    private const string NoKey =
        "This needs an API key: send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>', or log in on the page.";

    /// <summary>Returns the key a request presents in its headers, if any.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.Authorization.ToString() is { Length: > 7 } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization[7..].Trim();
        }

        return request.Headers[ApiKeyHeader].ToString() is { Length: > 0 } key ? key.Trim() : null;
    }

    /// <summary>Returns the caller <paramref name="presented"/> is, or why it is none.</summary>
    public static (DashboardCaller? Caller, string? Refusal) Check(ApiKeys keys, string presented, IPAddress? remote)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!keys.Required)
        {
            return IsLoopback(remote)
                ? (new DashboardCaller("", Role.Admin), null)
                : (null, "No API keys are configured, so only loopback callers may use this dashboard (as the local admin).");
        }

        return keys.Authenticate(presented) is { } caller
            ? (new DashboardCaller(caller.Name, caller.Role), null)
            : (null, "The API key sent is not one this dashboard knows.");
    }

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey(Request) is { } presented)
        {
            var (caller, refusal) = Check(keys, presented, Context.Connection.RemoteIpAddress);
            return caller is null ? AuthenticateResult.Fail(refusal!) : Success(caller);
        }

        var session = await Context.AuthenticateAsync(CookieScheme).ConfigureAwait(false);
        if (session.Succeeded)
        {
            // A session lasts only as long as its key: a key removed or given another role ends it.
            var caller = DashboardCaller.From(session.Principal);
            return caller.IsLocalAdmin ? (keys.Required ? AuthenticateResult.Fail("The session was opened without keys; log in with a key.") : Success(caller))
                : keys.RoleOf(caller.Name) == caller.Role ? Success(caller)
                : AuthenticateResult.Fail("The key this session was opened with is no longer configured; log in again.");
        }

        return !keys.Required && IsLoopback(Context.Connection.RemoteIpAddress)
            ? Success(new DashboardCaller("", Role.Admin))
            : AuthenticateResult.NoResult();
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var detail = result.Failure?.Message ?? (keys.Required ? NoKey : "No API keys are configured, so only loopback callers may use this dashboard (as the local admin).");
        Refused(Context, detail);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Not authenticated", detail).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the refusal of <paramref name="http"/> to the log and to the cluster's audit log: what, from where, why;
    /// never the key. The answer does not wait for the cluster; a refusal the cluster does not take stays in the log.
    /// </summary>
    public static void Refused(HttpContext http, string reason)
    {
        ArgumentNullException.ThrowIfNull(http);
        var logger = http.RequestServices.GetRequiredService<ILogger<DashboardAuthentication>>();
        var request = $"{http.Request.Method} {http.Request.Path} from {http.Connection.RemoteIpAddress?.ToString() ?? "unknown"}";
        LogRefused(logger, request, reason);
        if (http.RequestServices.GetService<ActionClient>() is { } cluster)
        {
            _ = AuditAsync(cluster, logger, request, reason);
        }
    }

    private static async Task AuditAsync(ActionClient cluster, ILogger logger, string request, string reason)
    {
        try
        {
            await cluster.RecordRefusalAsync(request, reason).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogAuditLost(logger, ex, request);
        }
    }

    private AuthenticateResult Success(DashboardCaller caller) =>
        AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit: refused {Request}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string request, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The refusal of {Request} did not reach the cluster's audit log; it is in this log only.")]
    private static partial void LogAuditLost(ILogger logger, Exception exception, string request);
}
