using CorePortal.Features.Live;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using CorePortal.Data;
using CorePortal.Features.Credits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Live;

/// <summary>Two app instances over one database file, joined by a real redis-server.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TwoServerTests(RedisServerFixture redis, BrowserFixture browser) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task A_booking_on_server_A_reaches_a_hub_client_and_a_feed_listener_on_server_B_exactly_once()
    {
        await using var a = StartA();
        await using var b = StartB(a);
        using var studio = await new StudioBuilder(a.Services).AtFirstLocationAsync();
        var target = await studio.BookableAsync();
        await using var hubOnB = await b.HubAsync(DemoUsers.Staff);
        var hubEvents = new Received(hubOnB);
        await hubOnB.InvokeAsync("JoinClient", target.ClientId);
        var feedOnA = new Received(a.Services.GetRequiredService<BalanceFeed>(), out var subscriptionOnA);
        var feedOnB = new Received(b.Services.GetRequiredService<BalanceFeed>(), out var subscriptionOnB);
        using (subscriptionOnA)
        using (subscriptionOnB)
        {
            var first = await studio.BookAsync(target);
            var firstEvent = await hubEvents.WaitForAsync(e => e.PeriodId == first.PeriodId);
            // A second change from the same pool arrives after the first everywhere: by then a duplicate would have too.
            var second = await studio.BookAsync(await studio.NextClassAsync(target));
            bool IsSecond(BalanceChanged e) => e.PeriodId == second.PeriodId && e.Used == firstEvent.Used + 1;
            await hubEvents.WaitForAsync(IsSecond);
            await feedOnB.WaitForAsync(IsSecond);
            await feedOnA.WaitForAsync(IsSecond);

            bool IsFirst(BalanceChanged e) => e.PeriodId == first.PeriodId && e.Used == firstEvent.Used;
            Assert.Single(hubEvents.Events, IsFirst);
            Assert.Single(feedOnB.Events, IsFirst);
            Assert.Single(feedOnA.Events, IsFirst);
            Assert.Equal(first.Remaining, firstEvent.Remaining);
        }
    }

    [Fact]
    public async Task Update_Credits_saved_on_server_A_changes_Credits_Used_Max_on_a_page_open_on_server_B()
    {
        await using var a = StartA();
        await using var b = StartB(a);
        var (danielId, purchaseId, periodId, version) = await DanielsCurrentMonthAsync(a.Services);
        var page = await browser.SignedInPageAsync(DemoUsers.Manager, $"/clients/{danielId}", b.BaseUrl);
        var membership = page.Locator("[data-testid^=purchase-]", new() { HasText = "Monthly 8" });
        await membership.GetByRole(AriaRole.Button, new() { Name = "View History" }).ClickAsync();
        var cell = page.GetByTestId($"period-{periodId}").GetByTestId("used-max");
        await Expect(cell).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ / \d+$"));
        var before = (await cell.InnerTextAsync()).Split(" / ");

        using var scope = a.Services.CreateScope();
        var saved = await scope.ServiceProvider.GetRequiredService<CreditAdjustmentService>().SaveAsync(TestUsers.Staff,
            new CreditAdjustment(purchaseId, [new PeriodVersion(periodId, version)], CreditAction.AddCredits, 4));
        Assert.True(saved.Succeeded, saved.Message);

        var max = int.Parse(before[1], System.Globalization.CultureInfo.InvariantCulture) + 4;
        await Expect(cell).ToHaveTextAsync($"{before[0]} / {max}");
        await page.Context.CloseAsync(); // B stops at once instead of waiting out the open circuit
    }

    private static async Task<(int ClientId, int PurchaseId, int PeriodId, Guid Version)> DanielsCurrentMonthAsync(IServiceProvider services)
    {
        var today = DateOnly.FromDateTime(DateTime.Today);
        await using var db = await services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        var period = await db.CreditPeriods
            .Where(p => p.Purchase!.Name == "Monthly 8" && p.Purchase.OwnerClient!.FirstName == "Daniel" && p.Purchase.OwnerClient.LastName == "Okafor"
                && p.StartsOn <= today && p.EndsOn >= today)
            .Select(p => new { p.Purchase!.OwnerClientId, p.PurchaseId, p.Id, p.Version }).SingleAsync();
        return (period.OwnerClientId, period.PurchaseId, period.Id, period.Version);
    }

    private KestrelPortal StartA()
    {
        redis.SkipIfUnavailable();
        return new KestrelPortal { Settings = { ["ConnectionStrings:Redis"] = redis.ConnectionString } }.Start();
    }

    // Started after A has migrated and seeded the database, so B finds it populated and seeds nothing.
    private KestrelPortal StartB(KestrelPortal a) => new KestrelPortal
    {
        Engine = a.Engine, DatabaseConnection = a.DatabaseConnection, Settings = { ["ConnectionStrings:Redis"] = redis.ConnectionString },
    }.Start();
}
