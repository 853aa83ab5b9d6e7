using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Plexus.Actions;
using Plexus.Client;

namespace Plexus.Tests.EndToEnd;

/// <summary>
/// The dashboard page in a real browser — Debian's Chromium, headless, driven by Playwright — served by a real silo
/// process (the embedded default) with API keys: dispatch the demo and watch it succeed, cancel a long one, and a
/// viewer who sees no cancel button. Screenshots land in <c>artifacts/screenshots/</c>.
/// </summary>
[Collection(StandaloneProcessCollection.Name)]
[Trait(Category.Name, Category.EndToEnd)]
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    /// <summary>Where the system's Chromium is; <c>scripts/test.sh</c> installs it when missing.</summary>
    public const string Chromium = "/usr/bin/chromium";

    private const string OperatorKey = "operator-key-0123456789abcdef";
    private const string ViewerKey = "viewer-key-0123456789abcdef";
    private static readonly float Timeout = (float)PlexusClient.DefaultTimeout.TotalMilliseconds;

    private SiloProcess? _silo;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private SiloProcess Silo => _silo!;

    public static string Screenshots => Directory.CreateDirectory(Repository.Path("artifacts", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install it with `apt-get install -y chromium` (scripts/test.sh does).");
        _silo = await SiloProcess.StartNewAsync(new Dictionary<string, string?>
        {
            ["Plexus__Auth__Keys__otto__Key"] = OperatorKey,
            ["Plexus__Auth__Keys__otto__Role"] = "operator",
            ["Plexus__Auth__Keys__vera__Key"] = ViewerKey,
            ["Plexus__Auth__Keys__vera__Role"] = "viewer",
        });
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public void Silo_Ready_PrintsTheDashboardUrl()
    {
        Assert.Contains($"Dashboard: http://127.0.0.1:{Silo.HttpPort}/", Silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_DispatchDemo_ProgressMovesAndTheActionSucceeds()
    {
        var page = await LogInAsync(OperatorKey);

        await page.FillAsync("#dispatch-form [name=command]", "demo --items 4000");
        await page.ClickAsync("#dispatch-form button[type=submit]");

        var row = page.Locator("#table tbody tr").First;
        await Expect(row.Locator(".badge")).ToHaveTextAsync("Running", new() { Timeout = Timeout });
        var progress = row.Locator(".progress");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard-running.png"), FullPage = true });
        await Expect(row.Locator(".badge")).ToHaveTextAsync("Succeeded", new() { Timeout = Timeout });
        await Expect(progress).ToHaveAttributeAsync("data-percent", "100");
        await Expect(row).ToHaveAttributeAsync("data-progress-seen", "true");
        await Expect(page.Locator("#detail-facts .badge")).ToHaveTextAsync("Succeeded", new() { Timeout = Timeout });
        await Expect(page.Locator("#output")).ToContainTextAsync("Done: processed 4000 items.", new() { Timeout = Timeout });
        await Expect(page.Locator("#stages tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#cancel")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard.png"), FullPage = true });

        var id = await row.GetAttributeAsync("data-id");
        await using var connection = await ConnectAsync(OperatorKey);
        var action = await connection.Actions.GetAsync(Guid.Parse(id!));
        Assert.Equal(ActionStatus.Succeeded, action!.Status);
        Assert.Equal("otto", action.Submitter);
    }

    [Fact]
    public async Task Page_CancelLongDemo_TheActionEndsCancelled()
    {
        var page = await LogInAsync(OperatorKey);
        await page.FillAsync("#dispatch-form [name=command]", "demo --items 20000");
        await page.ClickAsync("#dispatch-form button[type=submit]");
        await Expect(page.Locator("#detail-facts .badge")).ToHaveTextAsync("Running", new() { Timeout = Timeout });

        await page.ClickAsync("#cancel");

        await Expect(page.Locator("#detail-facts .badge")).ToHaveTextAsync("Cancelled", new() { Timeout = Timeout });
        await Expect(page.Locator("#table tbody tr").First.Locator(".badge")).ToHaveTextAsync("Cancelled", new() { Timeout = Timeout });
        await Expect(page.Locator("#audit")).ToContainTextAsync("otto");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard-cancelled.png"), FullPage = true });
    }

    [Fact]
    public async Task Page_Viewer_SeesNoCancelButtonAndNoDispatchForm()
    {
        await using var connection = await ConnectAsync(OperatorKey);
        var operatorClient = connection.Actions;
        var running = await operatorClient.DispatchAsync(new ActionRequest("demo --items 20000", "tests"));
        try
        {
            var page = await LogInAsync(ViewerKey);
            await page.Locator($"#table tbody tr[data-id='{running.Id}']").ClickAsync(new() { Timeout = Timeout });

            await Expect(page.Locator("#detail-facts .badge")).ToHaveTextAsync("Running", new() { Timeout = Timeout });
            await Expect(page.Locator("#cancel")).ToBeHiddenAsync();
            await Expect(page.Locator("#dispatch")).ToBeHiddenAsync();
            await Expect(page.Locator("#who")).ToHaveTextAsync("vera (viewer)");
            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard-viewer.png"), FullPage = true });
        }
        finally
        {
            await operatorClient.CancelAsync(running.Id, "tests");
        }
    }

    [Fact]
    public async Task Page_RuleBroken_ShowsTheErrorBesideItsField()
    {
        var page = await LogInAsync(OperatorKey);
        await page.FillAsync("#dispatch-form [name=command]", "demo");
        await page.FillAsync("#dispatch-form [name=maxAttempts]", "500");

        await page.ClickAsync("#dispatch-form button[type=submit]");

        await Expect(page.Locator("[data-for=maxAttempts]")).ToContainTextAsync("attempts", new() { Timeout = Timeout });
        await Expect(page.Locator("#dispatch-form [name=maxAttempts]")).ToHaveClassAsync(new Regex("invalid"));
    }

    [Fact]
    public async Task Page_WrongKey_StaysOnTheLoginWithTheReason()
    {
        var page = await LogInAsync("not-a-key-of-this-silo-at-all", expectApp: false);

        await Expect(page.Locator("#login-error")).ToContainTextAsync("not one this dashboard knows", new() { Timeout = Timeout });
        await Expect(page.Locator("#app")).ToBeHiddenAsync();
    }

    private Task<PlexusConnection> ConnectAsync(string key) =>
        PlexusConnection.ConnectAsync(options => (options.Gateway, options.ApiKey) = (Silo.Gateway, key));

    private async Task<IPage> LogInAsync(string key, bool expectApp = true)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Silo.Http.ToString());
        await page.FillAsync("#login-key", key);
        await page.ClickAsync("#login-form button[type=submit]");
        if (expectApp)
        {
            await Expect(page.Locator("#app")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Expect(page.Locator("#live")).ToHaveTextAsync("live", new() { Timeout = Timeout });
        }

        return page;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
