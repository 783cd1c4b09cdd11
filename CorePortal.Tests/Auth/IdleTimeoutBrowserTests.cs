using System.Globalization;
using System.Text.RegularExpressions;
using CorePortal.Data;
using CorePortal.Features.Bookings;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Auth;

/// <summary>
/// The idle limit in open portal screens, in a real browser: only the person's clicks, typing and navigation count as activity,
/// not the live updates the server pushes (each of which the browser acknowledges on the circuit).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class IdleTimeoutBrowserTests(BrowserFixture browser)
{
    /// <summary>The app on a clock the test moves, re-checking open screens every 100 ms, with the default one-hour idle limit.</summary>
    private sealed class App : PortalFactory
    {
        public FixedClock Clock { get; } = new(DateTimeOffset.UtcNow);

        public App() => Settings["Auth:RevalidationInterval"] = "00:00:00.1";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
        }
    }

    [Fact]
    public async Task A_screen_left_alone_goes_to_sign_in_after_the_idle_limit_even_while_live_updates_reach_it_and_one_in_use_stays_signed_in()
    {
        await using var app = new App();
        app.Listen();
        using var scope = app.Services.CreateScope();
        var (sessionId, className, locationId) = await TonightsClassAsync(scope.ServiceProvider);
        var used = await browser.SignedInPageAsync(DemoUsers.Staff, "/clients", app.BaseUrl);
        var idle = await browser.SignedInPageAsync(DemoUsers.Trainer, $"/live?location={locationId}", app.BaseUrl);
        var card = idle.GetByTestId("live-session").Filter(new() { HasText = className });
        await Expect(card).ToContainTextAsync("Nobody booked yet.");

        app.Clock.Now += TimeSpan.FromMinutes(40);
        await SearchAsync(used, "a");
        // A booking pushed to the idle screen: it renders and acknowledges the render, which is no interaction of the person's.
        var (clientId, source) = await LimitedSourceAsync(scope.ServiceProvider, sessionId);
        var booked = await scope.ServiceProvider.GetRequiredService<BookingService>().BookAsync(TestUsers.Staff, sessionId, clientId, source.PurchaseId, null);
        await Expect(card.GetByTestId("credits-left")).ToHaveTextAsync(booked.Value!.Remaining!.Value.ToString(CultureInfo.InvariantCulture));

        app.Clock.Now += TimeSpan.FromMinutes(40); // 80 minutes since both signed in; the used screen was last used 40 minutes ago

        await Expect(idle).ToHaveURLAsync(new Regex("/login"), new() { Timeout = 15_000 });
        // Both screens are re-checked every 100 ms on the same clock: the idle one has been signed out, the used one has not.
        Assert.DoesNotContain("/login", used.Url, StringComparison.Ordinal);
        await SearchAsync(used, "e");
        Assert.DoesNotContain("/login", used.Url, StringComparison.Ordinal);
    }

    // Typing into the search box: each keystroke is a DOM event the circuit receives from the person.
    private static async Task SearchAsync(IPage page, string text)
    {
        await BrowserFixture.Field(page, "client-search").FillAsync(text);
        await Expect(page.GetByTestId("client-results").Locator("tbody tr").First).ToBeVisibleAsync();
    }

    private static async Task<(int SessionId, string ClassName, int LocationId)> TonightsClassAsync(IServiceProvider services)
    {
        var schedule = services.GetRequiredService<ScheduleService>();
        var location = (await schedule.LocationsAsync(TestUsers.Staff)).Value![^1];
        // This app's own database: the zone stays (the session must not start within the 80 minutes the test moves the clock).
        var tonight = await TonightAt.SetAsync(services, location.Id);
        var className = $"Idle {Guid.NewGuid():N}"[..13];
        var session = await schedule.CreateSessionAsync(TestUsers.Staff, new SessionInput
        {
            Name = className, LocationId = location.Id, Trainer = "Taylor Trainer", Date = tonight.Today, StartTime = new TimeSpan(23, 59, 0), Capacity = 10,
        });
        return (session.Value, className, location.Id);
    }

    private static async Task<(int ClientId, CreditSource Source)> LimitedSourceAsync(IServiceProvider services, int sessionId)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        var owners = await db.Purchases.Where(p => p.Status == PurchaseStatus.Active).Select(p => p.OwnerClientId).Distinct().OrderByDescending(id => id).ToListAsync();
        var bookings = services.GetRequiredService<BookingService>();
        foreach (var clientId in owners)
        {
            var sources = (await bookings.CreditSourcesAsync(TestUsers.Staff, clientId, sessionId)).Value ?? [];
            if (sources.FirstOrDefault(s => s is { IsShared: false, Remaining: not null }) is { } source) return (clientId, source);
        }
        throw new InvalidOperationException("No client has limited credits for today.");
    }
}
