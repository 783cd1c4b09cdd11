using CorePortal.Data;
using CorePortal.Features.Sales;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Clients;

[Collection(BrowserCollection.Name)]
public sealed class ClientProfileBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_profile_opens_with_its_packages_and_the_Payment_tab_shows_a_sale_made_while_another_tab_was_open()
    {
        var client = await browser.App.NewClientAsync("Petra", "Profile");
        var first = await SellTenPackAsync(client.Id);
        var page = await browser.SignedInPageAsync(DemoUsers.Staff, $"/clients/{client.Id}");

        await Expect(page.GetByTestId($"purchase-{first}").GetByTestId("balance")).ToHaveTextAsync("10 of 10 remaining");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Shared with me" }).ClickAsync();
        await Expect(page.GetByTestId($"purchase-{first}")).ToHaveCountAsync(0);

        // Sold at another desk while the Payment tab is closed: opening it again loads the cards afresh.
        var second = await SellTenPackAsync(client.Id);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Payment" }).ClickAsync();

        await Expect(page.GetByTestId($"purchase-{second}").GetByTestId("balance")).ToHaveTextAsync("10 of 10 remaining");
        await Expect(page.GetByTestId($"purchase-{first}")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    private async Task<int> SellTenPackAsync(int clientId)
    {
        await using var scope = browser.App.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        var tenPack = await db.CatalogItems.Where(i => i.Name == "10-Class Pack").Select(i => i.Id).SingleAsync();
        var sale = await scope.ServiceProvider.GetRequiredService<SaleService>().CheckoutAsync(TestUsers.Staff, new SaleRequest(tenPack, clientId, []));
        return sale.Succeeded ? sale.Value!.PurchaseId : throw new InvalidOperationException(sale.Message);
    }
}
