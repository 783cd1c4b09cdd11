using CorePortal.Data;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Memberships;

[Collection(BrowserCollection.Name)]
public sealed class FreezeBrowserTests(BrowserFixture browser)
{
    private async Task<T> QueryAsync<T>(Func<CoreDbContext, Task<T>> query)
    {
        await using var scope = browser.App.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    [Fact]
    public async Task Staff_freeze_a_membership_from_its_card_with_a_preview_and_the_card_shows_it_frozen()
    {
        using var studio = await new StudioBuilder(browser.App.Services).AtFirstLocationAsync();
        var item = await studio.MembershipAsync($"Freeze card {Guid.NewGuid():N}"[..24], 8, PeriodUnit.Month, 3);
        await studio.FreezeRulesAsync(item);
        var client = await studio.ClientAsync("Frida", "Freeze");
        var purchase = await studio.SellAsync(item, client);
        var page = await browser.SignedInPageAsync(DemoUsers.Staff, $"/clients/{client.Id}");
        var card = page.GetByTestId($"purchase-{purchase.Id}");

        await card.GetByTestId("freeze").ClickAsync();
        await page.GetByTestId("freeze-preview-button").ClickAsync();
        await Expect(page.GetByTestId("freeze-preview")).ToContainTextAsync("8 → 8"); // extend: dates move, credits stay
        await page.GetByTestId("freeze-save").ClickAsync();

        await Expect(card.GetByTestId("frozen")).ToContainTextAsync($"Frozen from {studio.Today:d MMM yyyy} to {studio.Today.AddDays(6):d MMM yyyy}");
        await Expect(card.GetByTestId("unfreeze")).ToBeVisibleAsync();
        Assert.Equal(1, await QueryAsync(db => db.Freezes.CountAsync(f => f.PurchaseId == purchase.Id && f.Status == FreezeStatus.Active)));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_manager_bulk_freezes_a_location_for_a_week_from_its_preview_and_undoes_it()
    {
        using var studio = new StudioBuilder(browser.App.Services);
        var location = $"Bulk {Guid.NewGuid():N}"[..12];
        await studio.WithLocationAsync(location);
        var item = await studio.PackageAsync($"Bulk pack {Guid.NewGuid():N}"[..20], 10);
        await studio.FreezeRulesAsync(item);
        var sold = await StudioBuilder.InTurnAsync(["Anna", "Ben"], async name => await studio.SellAsync(item, await studio.ClientAsync(name, "Bulk")));
        var page = await browser.SignedInPageAsync(DemoUsers.Manager, "/payments/retail/bulk-freeze");

        // The select's box, not its input: MudBlazor hides the input behind the chosen value once the page has its locations.
        await page.Locator(".mud-input-control.mud-select", new() { Has = page.GetByTestId("bulk-location") }).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = location }).ClickAsync();
        await page.GetByTestId("bulk-preview-button").ClickAsync();
        await Expect(page.GetByTestId("bulk-counts")).ToContainTextAsync("2 purchases · 2 periods changed · 0 credits forfeited · 0 bookings affected");
        await Expect(page.GetByTestId("bulk-list")).ToContainTextAsync("Anna Bulk");
        await page.GetByTestId("bulk-apply").ClickAsync();

        var row = page.GetByTestId("bulk-history").Locator("tr", new() { HasText = $"All active at {location}" });
        await Expect(row).ToContainTextAsync("Undo");
        var ids = sold.Select(p => p.Id).ToList();
        Assert.Equal(2, await QueryAsync(db => db.Freezes.CountAsync(f => ids.Contains(f.PurchaseId) && f.Status == FreezeStatus.Active)));

        await row.GetByTestId("bulk-undo").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Undo", Exact = true }).ClickAsync();
        await Expect(row).ToContainTextAsync("Undone by");
        Assert.Equal(2, await QueryAsync(db => db.Freezes.CountAsync(f => ids.Contains(f.PurchaseId) && f.Status == FreezeStatus.Undone)));
        await page.Context.CloseAsync();
    }
}
