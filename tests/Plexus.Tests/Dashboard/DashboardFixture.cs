extern alias PlexusDashboard;

using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Plexus.Actions;
using Plexus.Client;
using Plexus.Security;
using Plexus.Tests.EndToEnd;
using DashboardProgram = PlexusDashboard::Program;

namespace Plexus.Tests.Dashboard;

/// <summary>
/// The production shape of the dashboard on a real cluster: <c>plexus-dashboard</c> (through
/// <see cref="WebApplicationFactory{TEntryPoint}"/>) as an Orleans client of a <c>plexus-silo</c> process (the embedded
/// default, reached over TCP like in production; the in-process test cluster's gateway takes no outside client), both
/// with the same API keys, the dashboard calling with its own <c>service</c> key.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>The keys by name; <c>dashboard</c> is the dashboard's own, <c>sven</c> a service calling the dashboard.</summary>
    public static readonly Dictionary<string, (string Key, Role Role)> Keys = new()
    {
        ["vera"] = ("viewer-key-0123456789abcdef", Role.Viewer),
        ["otto"] = ("operator-key-0123456789abcdef", Role.Operator),
        ["ada"] = ("admin-key-0123456789abcdef", Role.Admin),
        ["sven"] = ("service-key-0123456789abcdef", Role.Service),
        ["dashboard"] = ("dashboard-key-0123456789abcdef", Role.Service),
    };

    private SiloProcess? _silo;
    private PlexusConnection? _admin;
    private WebApplicationFactory<DashboardProgram>? _factory;

    public WebApplicationFactory<DashboardProgram> Factory => _factory ?? throw new InvalidOperationException("Not started.");

    /// <summary>Gets a client of the cluster with the admin's key, to look behind the dashboard.</summary>
    public ActionClient Admin => _admin?.Actions ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var keys = new Dictionary<string, string?>();
        foreach (var (name, (key, role)) in Keys)
        {
            keys[$"Plexus:Auth:Keys:{name}:Key"] = key;
            keys[$"Plexus:Auth:Keys:{name}:Role"] = role.Name();
        }

        // The silo reads its settings from the environment, the way an operator sets them.
        var environment = keys.ToDictionary(entry => entry.Key.Replace(":", "__", StringComparison.Ordinal), entry => entry.Value);
        environment["Plexus__Commands__sh__Executable"] = "/bin/sh";
        environment["Plexus__Commands__sh__Arguments__0"] = "-c";
        _silo = await SiloProcess.StartNewAsync(environment);
        _admin = await PlexusConnection.ConnectAsync(options => (options.Gateway, options.ApiKey) = (_silo.Gateway, Keys["ada"].Key));
        var settings = new Dictionary<string, string?>(keys)
        {
            ["Plexus:Gateway"] = _silo.Gateway,
            ["Plexus:ApiKey"] = Keys["dashboard"].Key,
        };
        _factory = new WebApplicationFactory<DashboardProgram>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });

        // Starts the host, and with it the dashboard's cluster client.
        _factory.CreateClient().Dispose();
    }

    private Task<Guid>? _finished;

    /// <summary>Returns the id of a finished action the admin dispatched, the same one for every caller.</summary>
    public Task<Guid> AdminsFinishedActionAsync() => _finished ??= DispatchAndWaitAsync();

    private async Task<Guid> DispatchAndWaitAsync()
    {
        var queued = await Admin.DispatchAsync(new ActionRequest("echo the admins", "tests"));
        return (await Admin.WaitForFinalAsync(queued.Id))!.Id;
    }

    /// <summary>
    /// Returns an HTTP client that presents the key of <paramref name="caller"/>: a name of <see cref="Keys"/>,
    /// <c>none</c> for no key or <c>wrong</c> for a key nobody has.
    /// </summary>
    public HttpClient Http(string caller)
    {
        var http = Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var key = caller switch
        {
            "none" => null,
            "wrong" => "wrong-key-0123456789abcdef",
            _ => Keys[caller].Key,
        };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
