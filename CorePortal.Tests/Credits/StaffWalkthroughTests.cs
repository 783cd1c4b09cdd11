using CorePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Credits;

[Collection(BrowserCollection.Name)]
public sealed class StaffWalkthroughTests(BrowserFixture browser)
{
    [Fact]
    public async Task Staff_signs_in_and_lands_on_Clients()
    {
        var page = await browser.SignedInPageAsync(DemoUsers.Staff);

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/clients$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Clients" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("user-menu")).ToContainTextAsync("Sam Staff");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "coreportal-clients.png") });
    }

    [Fact]
    public async Task Staff_walks_the_article_from_search_to_a_saved_credit_change()
    {
        var page = await browser.SignedInPageAsync(DemoUsers.Staff);

        // Steps 2–4: search by name, press Enter, open the profile.
        await BrowserFixture.Field(page, "client-search").FillAsync("daniel oka");
        await BrowserFixture.Field(page, "client-search").PressAsync("Enter");
        await page.GetByRole(AriaRole.Link, new() { Name = "Daniel Okafor" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Daniel Okafor" })).ToBeVisibleAsync();

        // Steps 5–8: the Payment tab and View History of the membership.
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Payment" })).ToBeVisibleAsync();
        var membership = page.Locator("[data-testid^=purchase-]", new() { HasText = "Monthly 8" });
        await membership.GetByRole(AriaRole.Button, new() { Name = "View History" }).ClickAsync();
        var current = page.Locator("tr[data-current=true]");
        await Expect(current.GetByTestId("current-marker")).ToBeVisibleAsync();
        var before = await current.GetByTestId("used-max").InnerTextAsync();
        var used = int.Parse(before.Split(" / ")[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.EndsWith("/ 8", before, StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "coreportal-history.png") });

        // Steps 9–12: Update Credits, Add Credits 2, with a note, Save.
        await current.GetByRole(AriaRole.Button, new() { Name = "Update Credits" }).ClickAsync();
        await BrowserFixture.Field(page, "amount").FillAsync("2.5");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText("Credits are whole numbers")).ToBeVisibleAsync();
        await BrowserFixture.Field(page, "amount").FillAsync("2");
        await BrowserFixture.Field(page, "note").FillAsync("Goodwill for the broken spin bike");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "coreportal-update.png") });
        await page.GetByTestId("save").ClickAsync();

        // Steps 13–14: the grid shows the new Max, and a snackbar confirms.
        await Expect(page.GetByText("Added 2 credits")).ToBeVisibleAsync();
        await Expect(current.GetByTestId("used-max")).ToHaveTextAsync($"{used} / 10");
    }

}
