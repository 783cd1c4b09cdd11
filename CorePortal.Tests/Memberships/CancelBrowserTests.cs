using CorePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Memberships;

[Collection(BrowserCollection.Name)]
public sealed class CancelBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Staff_cancel_a_membership_with_a_future_booking_from_its_card_and_it_moves_to_Expired_and_used_up_with_the_reason()
    {
        using var studio = await new StudioBuilder(browser.App.Services).AtFirstLocationAsync();
        var unique = Guid.NewGuid().ToString("N")[..6];
        var client = await studio.ClientAsync("Nora", $"Cancel{unique}");
        var membership = await studio.SellAsync(await studio.MembershipAsync($"Monthly 8 {unique}", 8, periods: 3), client);
        var booking = await studio.BookAsync(await studio.SessionAsync($"Flow {unique}", 3), client, membership);
        var page = await browser.SignedInPageAsync(DemoUsers.Staff, $"/clients/{client.Id}");
        var card = page.GetByTestId($"purchase-{membership.Id}");

        await card.GetByTestId("cancel-purchase").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.GetByText("Now", new() { Exact = true }).ClickAsync();
        await BrowserFixture.Field(page, "cancel-reason").FillAsync("Moving to another city");
        await Expect(page.GetByTestId("cancel-preview")).ToContainTextAsync("24 credits forfeited");
        await page.GetByTestId($"booking-choice-{booking.BookingId}").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Cancel" }).ClickAsync();
        await page.GetByTestId("confirm-cancel").ClickAsync();

        var inactive = page.GetByTestId("inactive-purchases");
        await inactive.GetByText("Expired and used up").ClickAsync();
        await Expect(inactive.GetByTestId($"purchase-{membership.Id}").GetByTestId("detail")).ToHaveTextAsync("Cancelled: Moving to another city");
        await page.Context.CloseAsync();
    }
}
