using System.Globalization;
using CorePortal.Data;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Bookings;

[Collection(BrowserCollection.Name)]
public sealed class PoliciesBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_late_cancellation_shows_its_warning_in_the_rosters_confirm_dialog_before_the_credit_is_kept()
    {
        using var studio = await new StudioBuilder(browser.App.Services).AtFirstLocationAsync();
        var unique = Guid.NewGuid().ToString("N")[..6];
        var client = await studio.ClientAsync("Nora", $"Late{unique}");
        var item = await studio.PackageAsync($"Late pack {unique}", 10);
        await studio.ItemPolicyAsync(item, hours: 12); // its own policy: no grace, whatever the studio's default
        var pack = await studio.SellAsync(item, client);
        var start = DateTime.Now.AddHours(3); // inside the 12 hours, whenever the test runs
        var session = await studio.SessionAsync($"Late flow {unique}", (start.Date - DateTime.Today).Days, at: new TimeOnly(start.Hour, start.Minute));
        var booking = (await studio.BookAsync(session, client, pack)).BookingId;
        var day = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var page = await browser.SignedInPageAsync(DemoUsers.Staff, $"/schedule?date={day}&location={studio.Location.Id}");

        await page.GetByTestId("session-row").Filter(new() { HasText = $"Late flow {unique}" }).ClickAsync();
        var attendee = page.GetByTestId("attendee").Filter(new() { HasText = client.FullName });
        await attendee.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToContainTextAsync("This cancellation is inside 12 hours: the credit will not be returned.");
        Assert.Equal(BookingStatus.Booked, await StatusAsync(studio, booking)); // shown before anything is done

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel booking" }).ClickAsync();
        await Expect(attendee.GetByTestId("penalty-chip")).ToHaveTextAsync("Late cancel: credit kept");
        await using var db = await studio.Db.CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.True(await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == booking) is { Status: BookingStatus.Cancelled, Penalty: BookingPenalty.LateCancel, UsesCredit: true });
        await page.Context.CloseAsync();
    }

    private static async Task<BookingStatus> StatusAsync(StudioBuilder studio, int bookingId)
    {
        await using var db = await studio.Db.CreateDbContextAsync();
        return await db.Bookings.Where(b => b.Id == bookingId).Select(b => b.Status).SingleAsync();
    }
}
