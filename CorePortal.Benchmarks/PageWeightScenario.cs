using System.Diagnostics;
using System.Security.Claims;
using System.Text;
using CorePortal.Components.Pages.Clients;
using CorePortal.Data;
using CorePortal.Features.Credits;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace CorePortal.Benchmarks;

/// <summary>
/// Page weight: one client whose package holds N visits. In a signed-in Chromium page the profile is opened from the
/// Clients page inside the circuit (as a click on the client's name does), timed from the navigation to the Payment
/// tab's package card being visible; then Show Visits on that package, timed to its first page of rows. Bytes are
/// the WebSocket frame payloads the page received in between: what the circuit sent for it.
/// </summary>
public static class PageWeightScenario
{
    private static readonly ClaimsPrincipal Staff = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "Bench Staff"), new Claim(ClaimTypes.Role, Roles.Staff)], "bench"));

    private const int Warmup = 3;

    public static async Task<List<ResultRow>> RunAsync(BenchHost host, AppServer app, BenchBrowser browser, int visits, int opens)
    {
        var pool = await SeedVisitsAsync(host, visits);
        var serverRender = await ServerRenderAsync(app, pool, opens);
        var bytes = new FrameBytes();
        var page = await browser.SignedInPageAsync("/clients", bytes.Attach);
        var card = page.GetByTestId($"purchase-{pool.PurchaseId}");
        var firstPageRows = page.GetByTestId($"visits-{pool.PurchaseId}").Locator("tbody tr").Filter(new() { HasText = "Bench" });
        var profile = new List<(double Ms, long Bytes)>();
        var showVisits = new List<(double Ms, long Bytes)>();
        try
        {
            await ClientsListedAsync(page);
            for (var i = 0; i < Warmup + opens; i++)
            {
                var opened = await MeasureAsync(bytes, () => BenchBrowser.NavigateInCircuitAsync(page, $"/clients/{pool.ClientId}"), () => card.WaitForAsync());
                var shown = await MeasureAsync(bytes, () => card.GetByRole(AriaRole.Button, new() { Name = "Show Visits" }).ClickAsync(),
                    () => firstPageRows.Nth(Math.Min(10, visits) - 1).WaitForAsync());
                if (i >= Warmup)
                {
                    profile.Add(opened);
                    showVisits.Add(shown);
                }
                await BenchBrowser.NavigateInCircuitAsync(page, "/clients");
                await ClientsListedAsync(page);
            }
        }
        finally
        {
            await page.Context.CloseAsync();
        }
        const string how = "Chromium (Playwright) on this machine, in-circuit navigation; time to visible in the browser, bytes = WebSocket payload received (uncompressed)";
        return
        [
            Row($"client profile, package of {Stats.N(visits)} visits", profile, $"open /clients/{{id}} to the Payment tab's package card; {how}"),
            Row($"Show Visits, {Stats.N(visits)} visits", showVisits, $"click Show Visits to its first page of 10 rows (paged on the server); {how}"),
            serverRender,
        ];
    }

    private static ResultRow Row(string scenario, List<(double Ms, long Bytes)> samples, string note)
    {
        var ms = samples.Select(s => s.Ms).ToList();
        var kb = samples.Select(s => s.Bytes / 1024.0).Order().ToList();
        return new ResultRow(scenario, $"{Stats.N(kb[kb.Count / 2], "F1")} KB sent (median of {samples.Count}, max {Stats.N(kb[^1], "F1")} KB)",
            Stats.Percentile(ms, 50), Stats.Percentile(ms, 95), null, "", null, note);
    }

    /// <summary>
    /// The server's part alone: the profile's header query plus the Payment tab rendered to HTML by the app's own
    /// services (HtmlRenderer, as static rendering does), without the circuit, the network or the browser.
    /// </summary>
    private static async Task<ResultRow> ServerRenderAsync(AppServer app, BookingPool pool, int times)
    {
        var samples = new List<double>();
        var htmlBytes = 0;
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(PaymentTab.ClientId)] = pool.ClientId });
        for (var i = 0; i < Warmup + times; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            // The tab reads as the signed-in caller, as it does in a circuit.
            ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
                .SetAuthenticationState(Task.FromResult(new AuthenticationState(Staff)));
            // Static rendering knows the page's address before it renders (components such as MudBlazor's snackbar ask for it).
            ((IHostEnvironmentNavigationManager)scope.ServiceProvider.GetRequiredService<NavigationManager>())
                .Initialize("http://localhost/", $"http://localhost/clients/{pool.ClientId}");
            await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
            var started = Stopwatch.GetTimestamp();
            var html = await renderer.Dispatcher.InvokeAsync(async () =>
            {
                if (!(await scope.ServiceProvider.GetRequiredService<CreditReadService>().ProfileAsync(Staff, pool.ClientId)).Succeeded)
                    throw new InvalidOperationException($"No profile for client {pool.ClientId}");
                return (await renderer.RenderComponentAsync<PaymentTab>(parameters)).ToHtmlString();
            });
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!html.Contains($"purchase-{pool.PurchaseId}", StringComparison.Ordinal)) throw new InvalidOperationException("The Payment tab rendered without the package");
            if (i < Warmup) continue;
            samples.Add(ms);
            htmlBytes = Encoding.UTF8.GetByteCount(html);
        }
        return new ResultRow("client profile, server render only", $"{Stats.N(htmlBytes / 1024.0, "F1")} KB of HTML ({samples.Count} renders)",
            Stats.Percentile(samples, 50), Stats.Percentile(samples, 95), null, "", null,
            "profile query + Payment tab rendered by HtmlRenderer with the app's services, in-process: the server's share of the browser figure above");
    }

    private static async Task<(double Ms, long Bytes)> MeasureAsync(FrameBytes bytes, Func<Task> act, Func<Task> shown)
    {
        var before = bytes.Received;
        var started = Stopwatch.GetTimestamp();
        await act();
        await shown();
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, bytes.Received - before);
    }

    /// <summary>The Clients page with its first rows: the circuit has finished rendering it.</summary>
    private static Task ClientsListedAsync(IPage page) =>
        page.GetByTestId("client-results").Locator("a[href^='/clients/']").First.WaitForAsync();

    /// <summary>A fresh client with a package holding `visits` booked visits, written straight to the database with their ledger rows.</summary>
    private static async Task<BookingPool> SeedVisitsAsync(BenchHost host, int visits)
    {
        var pool = await BookingPool.CreateAsync(host, $"visits-{Guid.NewGuid():N}"[..24], visits + 10); // credits left: the package stays active
        await using var db = host.CreateDbContext();
        await using var tx = await db.BeginWriteAsync();
        var now = DateTime.UtcNow;
        var sessionIds = pool.SessionIds.Take(visits).ToList();
        for (var i = 0; i < visits; i++)
        {
            var booking = new Booking
            {
                SessionId = sessionIds[i], ClientId = pool.ClientId, PurchaseId = pool.PurchaseId, PeriodId = pool.PeriodId,
                Status = BookingStatus.Booked, BookedAtUtc = now, ActiveClientId = pool.ClientId,
            };
            db.Bookings.Add(booking);
            db.Ledger.Add(new CreditLedgerEntry
            {
                PurchaseId = pool.PurchaseId, PeriodId = pool.PeriodId, Kind = LedgerKind.BookingUse, Amount = 1, Booking = booking,
                MaxAfter = pool.Credits, UsedAfter = i + 1, Actor = "Bench", AtUtc = now, Note = "Bench visit",
            });
        }
        await db.SaveChangesAsync();
        await db.CreditPeriods.Where(p => p.Id == pool.PeriodId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UsedCredits, visits).SetProperty(p => p.Version, Guid.NewGuid()));
        await db.Sessions.Where(s => sessionIds.Contains(s.Id)).ExecuteUpdateAsync(s => s.SetProperty(x => x.BookedCount, 1));
        await tx.CommitAsync();
        return pool;
    }
}
