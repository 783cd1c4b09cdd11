using CorePortal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Sales;

[Collection(BrowserCollection.Name)]
[Trait("Engine", "Sqlite")] // browser tests stay on SQLite (issue 16): the services they drive are proven on PostgreSQL by the service tests
public sealed class NewSaleBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Staff_sell_a_family_pack_shared_with_two_clients_and_see_both_invited()
    {
        var page = await browser.SignedInPageAsync(DemoUsers.Staff, "/payments/new-sale");

        await page.GetByTestId("sale-item").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "20-Class Family Pack" }).ClickAsync();
        await BrowserFixture.PickAsync(page, "owner-search", "Amara", "Amara Diallo");
        await Expect(page.GetByTestId("main-client")).ToContainTextAsync("Amara Diallo");

        await page.GetByLabel("Share package with clients").ClickAsync();
        var dialog = page.GetByTestId("share-dialog");
        await Expect(dialog.GetByTestId("places-left")).ToHaveTextAsync("3 of 3 places left");
        await PickAsync(page, "Lucas", "Lucas Silva");
        await Expect(dialog.GetByTestId("places-left")).ToHaveTextAsync("2 of 3 places left");
        await page.FillAsync("#share-search", "Amara");
        await Expect(page.GetByTestId("client-result").Filter(new() { HasText = "Amara Diallo" })).ToContainTextAsync("the main client");
        await PickAsync(page, "Grace", "Grace O'Neill");
        await Expect(dialog.GetByTestId("places-left")).ToHaveTextAsync("1 of 3 places left");
        await Expect(page.GetByTestId("add-shared-package")).ToHaveTextAsync("Add Shared Package");
        await page.GetByTestId("add-shared-package").ClickAsync();

        await Expect(page.GetByTestId("shared-client")).ToHaveCountAsync(2);
        await page.GetByTestId("checkout").ClickAsync();

        var confirmed = page.GetByTestId("sale-confirmed");
        await Expect(confirmed).ToContainTextAsync("Sold 20-Class Family Pack to Amara Diallo.");
        await Expect(confirmed).ToContainTextAsync("Shared with Lucas Silva, Grace O'Neill");
        await Expect(page.GetByTestId("owner-profile-link")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex(@"^/clients/\d+$"));

        await page.GetByTestId("purchase-link").ClickAsync();
        var users = page.GetByTestId("authorized-user");
        await Expect(users).ToHaveCountAsync(2);
        await Expect(users.Filter(new() { HasText = "Lucas Silva" }).GetByTestId("share-status")).ToHaveTextAsync("Pending");
        await Expect(users.Filter(new() { HasText = "Grace O'Neill" }).GetByTestId("share-status")).ToHaveTextAsync("Pending");
        await Expect(page.GetByTestId("sharing-terms")).ToContainTextAsync("Sharing with up to 3 clients · 1 place left");
        await page.Context.CloseAsync();
    }

    private static async Task PickAsync(IPage page, string search, string name)
    {
        await BrowserFixture.PickAsync(page, "share-search", search, name);
        await Expect(page.GetByTestId("picked-client").Filter(new() { HasText = name })).ToBeVisibleAsync();
    }
}
