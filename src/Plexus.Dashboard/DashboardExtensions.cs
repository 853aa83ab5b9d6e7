using System.Reflection;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Plexus.Dashboard.Apis;
using Plexus.Dashboard.Auth;
using Plexus.Security;

namespace Plexus.Dashboard;

/// <summary>
/// Adds the dashboard to an ASP.NET Core host: the HTTP API, its event streams and the page. The host provides an
/// <see cref="Client.ActionClient"/> that presents the dashboard to the cluster (a <c>service</c> key's client in the
/// standalone dashboard, the silo's own grain factory inside a silo), and the dashboard calls for each authenticated
/// end user through it.
/// </summary>
public static class DashboardExtensions
{
    /// <summary>How long a session cookie lasts unless used; each use renews it.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    /// <summary>The name of the session cookie.</summary>
    public const string CookieName = "plexus-session";

    /// <summary>
    /// Adds the dashboard's services: authentication by the API keys of <c>Plexus:Auth</c> in
    /// <paramref name="configuration"/> (unless the host registered <see cref="ApiKeys"/> already, as a silo does),
    /// the session cookie, problem documents and the OpenAPI document.
    /// </summary>
    public static IServiceCollection AddPlexusDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        services.TryAddSingleton<ApiKeys>();
        services.AddProblemDetails();
        services.AddOpenApi();

        // Sessions are signed with keys held in memory: a restart ends them (the page asks for the key again), and
        // several dashboard tasks behind one load balancer need sticky sessions (docs/operations.md).
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAuthentication(DashboardAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, DashboardAuthentication>(DashboardAuthentication.SchemeName, null)
            .AddCookie(DashboardAuthentication.CookieScheme, cookie =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = SessionLifetime;
                cookie.SlidingExpiration = true;
            });
        services.AddAuthorization();
        return services;
    }

    /// <summary>
    /// Maps the dashboard: the page at <c>/</c>, the API under <c>/api</c> (every endpoint but logging in needs a key or
    /// a session) and the OpenAPI document at <c>/openapi/v1.json</c>. Health endpoints are the host's.
    /// </summary>
    public static IEndpointRouteBuilder MapPlexusDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapOpenApi();
        endpoints.MapSessionApi().AddEndpointFilter<CsrfFilter>();
        var api = endpoints.MapGroup("").RequireAuthorization().AddEndpointFilter<ProblemFilter>().AddEndpointFilter<CsrfFilter>();
        api.MapActionsApi();
        api.MapEventsApi();
        MapPage(endpoints);
        return endpoints;
    }

    /// <summary>
    /// Adds what the dashboard's endpoints need to the request pipeline (authentication, authorization, problem
    /// documents for errors with no body); call before mapping on a host that builds its own pipeline.
    /// </summary>
    public static IApplicationBuilder UsePlexusDashboard(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    // The page's files are embedded in this assembly (see the project file); each is served as it is.
    private static void MapPage(IEndpointRouteBuilder endpoints)
    {
        var files = new EmbeddedFileProvider(typeof(DashboardExtensions).Assembly, "Plexus.Dashboard.wwwroot");
        foreach (var (path, file, type) in new[]
        {
            ("/", "index.html", "text/html; charset=utf-8"),
            ("/app.js", "app.js", "text/javascript; charset=utf-8"),
            ("/style.css", "style.css", "text/css; charset=utf-8"),
        })
        {
            endpoints.MapGet(path, () => TypedResults.Stream(files.GetFileInfo(file).CreateReadStream(), type))
                .ExcludeFromDescription().AllowAnonymous();
        }
    }
}
