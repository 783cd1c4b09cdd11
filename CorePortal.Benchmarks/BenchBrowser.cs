using System.Text;
using Microsoft.Playwright;

namespace CorePortal.Benchmarks;

/// <summary>Debian's Chromium driven by Playwright (its bundled driver; never `playwright install`), against the AppServer.</summary>
public sealed class BenchBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _baseUrl;

    private BenchBrowser(IPlaywright playwright, IBrowser browser, string baseUrl)
    {
        _playwright = playwright;
        _browser = browser;
        _baseUrl = baseUrl;
    }

    /// <summary>The browser, or null when Chromium is not installed (the scenarios then report a failed check).</summary>
    public static async Task<BenchBrowser?> LaunchAsync(string baseUrl)
    {
        if (!File.Exists(ChromiumPath)) return null;
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new BenchBrowser(playwright, browser, baseUrl);
    }

    public static string Missing => $"Chromium is not installed at {ChromiumPath} (apt-get install chromium)";

    /// <summary>A fresh context and its first page, signed in as staff through the sign-in page and interactive at path.</summary>
    public async Task<IPage> SignedInPageAsync(string path, Action<IPage>? beforeSignIn = null)
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = _baseUrl, ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        beforeSignIn?.Invoke(page);
        await page.GotoAsync($"/login?ReturnUrl={Uri.EscapeDataString(path)}");
        await page.FillAsync("#email", AppServer.StaffEmail);
        await page.FillAsync("#password", AppServer.DemoPassword);
        await page.ClickAsync("button[type=submit]");
        await WaitInteractiveAsync(page);
        return page;
    }

    /// <summary>The layout marks when the circuit is live; before that the page is not the app yet.</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });

    /// <summary>Navigates inside the circuit, as a click on a link does (no page load, no new circuit).</summary>
    public static Task NavigateInCircuitAsync(IPage page, string path) => page.EvaluateAsync("path => Blazor.navigateTo(path)", path);

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>Payload bytes of the WebSocket frames a page receives: what the Blazor circuit sends it (before any compression on the wire).</summary>
public sealed class FrameBytes
{
    private long _received;
    public long Received => Interlocked.Read(ref _received);

    public void Attach(IPage page) => page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        Interlocked.Add(ref _received, frame.Binary is { Length: > 0 } binary ? binary.Length : Encoding.UTF8.GetByteCount(frame.Text ?? ""));
}
