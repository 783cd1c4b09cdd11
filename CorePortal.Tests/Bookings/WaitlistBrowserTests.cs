using System.Globalization;
using CorePortal.Data;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Bookings;

[Collection(BrowserCollection.Name)]
public sealed class WaitlistBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_waitlist_promotion_reaches_an_open_roster_without_reload()
    {
        using var world = new StudioBuilder(browser.App.Services);
        await world.AtFirstLocationAsync();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var className = $"Barre {suffix}";
        var session = await world.SessionAsync(className, dayOffset: 1, capacity: 1, at: new TimeOnly(9, 0), waitlistSize: 3);
        var booked = await world.ClientAsync("Bea", $"Booked{suffix}");
        var pack = await world.PackageAsync($"Barre Pack {suffix}", 5); // sold today, on the app's own clock
        await world.BookAsync(session, booked, await world.SellAsync(pack, booked));
        var waiting = await world.ClientAsync("Wes", $"Waiting{suffix}");
        await world.SellAsync(pack, waiting);
        await world.JoinWaitlistAsync(session, waiting);
        var day = DateOnly.FromDateTime(session.StartsAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var page = await browser.SignedInPageAsync(DemoUsers.Staff, $"/schedule?date={day}&location={world.Location.Id}");
        var row = page.GetByTestId("session-row").Filter(new() { HasText = className });
        await Expect(row).ToContainTextAsync("Full · 1 waiting");
        await row.ClickAsync();
        var roster = page.GetByTestId("roster");
        await Expect(roster.GetByTestId("waiting").Filter(new() { HasText = $"Wes Waiting{suffix}" })).ToContainTextAsync("1");

        int bookingId;
        await using (var db = await world.Db.CreateDbContextAsync())
            bookingId = await db.Bookings.Where(b => b.SessionId == session.Id && b.ClientId == booked.Id).Select(b => b.Id).SingleAsync();
        Assert.True((await world.Bookings.CancelAsync(TestUsers.Staff, bookingId)).Succeeded);

        var promoted = roster.GetByTestId("attendee").Filter(new() { HasText = $"Wes Waiting{suffix}" });
        await Expect(promoted).ToContainTextAsync("Booked");
        await Expect(roster.GetByTestId("waiting")).ToHaveCountAsync(0);
        await Expect(row.GetByTestId("places")).ToHaveTextAsync("Full");
    }
}
