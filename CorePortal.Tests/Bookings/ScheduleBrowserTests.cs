using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using CorePortal.Data;
using CorePortal.Features.Bookings;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Bookings;

[Collection(BrowserCollection.Name)]
public sealed class ScheduleBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Staff_creates_a_session_and_books_Leo_from_Maya_shared_family_pack_and_the_visit_names_Leo()
    {
        var (downtownId, mayaPackId) = await DemoIdsAsync();
        var day = DateTime.Today.AddDays(20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var className = $"Pilates {Guid.NewGuid().ToString("N")[..6]}";
        var page = await browser.SignedInPageAsync(DemoUsers.Staff, $"/schedule?date={day}&location={downtownId}");

        await page.GetByRole(AriaRole.Button, new() { Name = "New session" }).ClickAsync();
        await BrowserFixture.Field(page, "session-name").FillAsync(className);
        await BrowserFixture.Field(page, "session-trainer").FillAsync("Jordan Lee");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create session" }).ClickAsync();
        var row = page.GetByTestId("session-row").Filter(new() { HasText = className });
        await Expect(row).ToContainTextAsync("0 / 12");

        await row.ClickAsync();
        await page.GetByTestId("roster").GetByRole(AriaRole.Button, new() { Name = "Book a client" }).ClickAsync();
        await BrowserFixture.PickAsync(page, "client-search", "leo ch", "Leo Chen");
        // The only source Leo may use is Maya's accepted share, pre-selected with its remaining credits.
        await Expect(BrowserFixture.Field(page, "credit-source")).ToHaveValueAsync(new Regex(@"^20-Class Family Pack \(shared by Maya Chen\) · \d+ left"));
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();

        var attendee = page.GetByTestId("attendee").Filter(new() { HasText = "Leo Chen" });
        await Expect(attendee).ToContainTextAsync("20-Class Family Pack");
        await Expect(attendee).ToContainTextAsync("Booked");
        await Expect(row).ToContainTextAsync("1 / 12");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "coreportal-schedule.png") });

        // The owner's profile: Show Visits on Maya's pack names Leo under Credit Used By.
        await page.GotoAsync("/clients");
        await BrowserFixture.WaitInteractiveAsync(page);
        await BrowserFixture.Field(page, "client-search").FillAsync("CP100001");
        await BrowserFixture.Field(page, "client-search").PressAsync("Enter"); // an exact barcode opens the profile
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Maya Chen" })).ToBeVisibleAsync();
        var pack = page.GetByTestId($"purchase-{mayaPackId}");
        await pack.GetByRole(AriaRole.Button, new() { Name = "Show Visits" }).ClickAsync();
        var visit = pack.Locator("tr", new() { HasText = className });
        await Expect(visit).ToContainTextAsync("Leo Chen");
        await Expect(pack.Locator("th", new() { HasText = "Credit Used By" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_trainer_sees_the_schedule_and_roster_without_booking_or_attendance_actions()
    {
        var (downtownId, _) = await DemoIdsAsync();
        var today = DateTime.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var page = await browser.SignedInPageAsync(DemoUsers.Trainer, $"/schedule?date={today}&location={downtownId}");

        var hiit = page.GetByTestId("session-row").Filter(new() { HasText = "HIIT 45" });
        await Expect(hiit).ToContainTextAsync("Taylor Trainer");
        await hiit.ClickAsync();
        await Expect(page.GetByTestId("attendee").Filter(new() { HasText = "Sofia Martinez" })).ToContainTextAsync("Booked");

        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "New session" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Book a client" })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("roster").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        // Next day: the address, the day shown and the list follow.
        await page.GetByTestId("next-day").ClickAsync();
        var tomorrow = DateTime.Today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Expect(page).ToHaveURLAsync(new Regex($"date={tomorrow}"));
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Day", Exact = true })).ToHaveValueAsync(DateTime.Today.AddDays(1).ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("session-row").Filter(new() { HasText = "07:00" }).Filter(new() { HasText = "HIIT 45" })).ToHaveCountAsync(1);
    }

    private async Task<(int DowntownId, int MayaPackId)> DemoIdsAsync()
    {
        var factory = browser.App.Services.GetRequiredService<IDbContextFactory<CoreDbContext>>();
        await using var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var downtown = await db.Locations.Where(l => l.Name == "Downtown Studio").Select(l => l.Id).SingleAsync(TestContext.Current.CancellationToken);
        var pack = await db.Purchases.Where(p => p.Name == "20-Class Family Pack" && p.OwnerClient!.Barcode == "CP100001")
            .Select(p => p.Id).SingleAsync(TestContext.Current.CancellationToken);
        return (downtown, pack);
    }

}
