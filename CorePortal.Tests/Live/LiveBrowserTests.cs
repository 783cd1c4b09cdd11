using System.Globalization;
using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Features.Bookings;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CorePortal.Tests.Live;

[Collection(BrowserCollection.Name)]
public sealed class LiveBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Update_Credits_in_one_page_changes_Credits_Used_Max_in_another_page_without_reload()
    {
        var (clientId, purchaseId, periodId) = await GeneratedClientsCurrentPeriodAsync();
        var editor = await browser.SignedInPageAsync(DemoUsers.Staff, $"/clients/{clientId}");
        var watcher = await browser.SignedInPageAsync(DemoUsers.Manager, $"/clients/{clientId}");
        var watched = await OpenHistoryAsync(watcher, purchaseId, periodId);
        var before = await watched.GetByTestId("used-max").InnerTextAsync();
        var (used, max) = (Number(before.Split(" / ")[0]), Number(before.Split(" / ")[1]));

        var edited = await OpenHistoryAsync(editor, purchaseId, periodId);
        await edited.GetByRole(AriaRole.Button, new() { Name = "Update Credits" }).ClickAsync();
        await BrowserFixture.Field(editor, "amount").FillAsync("3");
        await editor.GetByTestId("save").ClickAsync();
        await Expect(editor.GetByText("Added 3 credits")).ToBeVisibleAsync();

        var cell = watched.GetByTestId("used-max");
        await Expect(cell).ToHaveTextAsync($"{used} / {max + 3}", new() { Timeout = 5_000 });
        await Expect(cell).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("flash"));
    }

    [Fact]
    public async Task The_Live_page_shows_a_new_attendee_and_their_credits_left_as_they_change()
    {
        using var scope = browser.App.Services.CreateScope();
        var schedule = scope.ServiceProvider.GetRequiredService<ScheduleService>();
        var location = (await schedule.LocationsAsync(TestUsers.Staff)).Value![^1];
        await using var tonight = await TonightAt.SetAsync(scope.ServiceProvider, location.Id);
        var className = $"Live {Guid.NewGuid():N}"[..13];
        var session = await schedule.CreateSessionAsync(TestUsers.Staff, new SessionInput
        {
            Name = className, LocationId = location.Id, Trainer = "Taylor Trainer", Date = tonight.Today, StartTime = TimeSpan.FromHours(23), Capacity = 10,
        });
        var page = await browser.SignedInPageAsync(DemoUsers.Trainer, $"/live?location={location.Id}");
        await Expect(page.GetByTestId("connection-state")).ToHaveTextAsync("Live");
        var card = page.GetByTestId("live-session").Filter(new() { HasText = className });
        await Expect(card).ToContainTextAsync("Nobody booked yet.");

        var (clientId, source) = await LimitedSourceAsync(scope.ServiceProvider, session.Value);
        var booked = await scope.ServiceProvider.GetRequiredService<BookingService>().BookAsync(TestUsers.Staff, session.Value, clientId, source.PurchaseId, null);
        var left = card.GetByTestId("credits-left");
        await Expect(left).ToHaveTextAsync(booked.Value!.Remaining!.Value.ToString(CultureInfo.InvariantCulture));

        var version = await PeriodVersionAsync(scope.ServiceProvider, booked.Value.PeriodId);
        var added = await scope.ServiceProvider.GetRequiredService<CreditAdjustmentService>().SaveAsync(TestUsers.Staff,
            new CreditAdjustment(source.PurchaseId, [new PeriodVersion(booked.Value.PeriodId, version)], CreditAction.AddCredits, 2));
        Assert.True(added.Succeeded, added.Message);
        await Expect(left).ToHaveTextAsync((booked.Value.Remaining.Value + 2).ToString(CultureInfo.InvariantCulture));
        await Expect(left).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("flash"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "coreportal-live.png") });
    }

    [Fact]
    public async Task The_booking_dialog_shows_fresh_credits_left_when_the_shared_pool_is_used_elsewhere()
    {
        using var scope = browser.App.Services.CreateScope();
        var schedule = scope.ServiceProvider.GetRequiredService<ScheduleService>();
        var (downtownId, mayaId, packId) = await MayaFamilyPackAsync();
        var day = DateTime.Today.AddDays(22);
        async Task<int> NewSessionAsync(string name) => (await schedule.CreateSessionAsync(TestUsers.Staff, new SessionInput
        {
            Name = name, LocationId = downtownId, Trainer = "Jordan Lee", Date = day, StartTime = TimeSpan.FromHours(18), Capacity = 10,
        })).Value;
        var className = $"Barre {Guid.NewGuid():N}"[..12];
        await NewSessionAsync(className);
        var otherSession = await NewSessionAsync($"Spin {Guid.NewGuid():N}"[..11]);
        var page = await browser.SignedInPageAsync(DemoUsers.Staff, $"/schedule?date={day:yyyy-MM-dd}&location={downtownId}");

        await page.GetByTestId("session-row").Filter(new() { HasText = className }).ClickAsync();
        await page.GetByTestId("roster").GetByRole(AriaRole.Button, new() { Name = "Book a client" }).ClickAsync();
        await BrowserFixture.PickAsync(page, "client-search", "leo ch", "Leo Chen");
        var source = BrowserFixture.Field(page, "credit-source");
        await Expect(source).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"· \d+ left"));
        var left = Number(System.Text.RegularExpressions.Regex.Match(await source.InputValueAsync(), @"· (\d+) left").Groups[1].Value);

        var booked = await scope.ServiceProvider.GetRequiredService<BookingService>().BookAsync(TestUsers.Staff, otherSession, mayaId, packId, null);
        Assert.True(booked.Succeeded, booked.Message);

        await Expect(source).ToHaveValueAsync(new System.Text.RegularExpressions.Regex($"· {left - 1} left"));
    }

    private async Task<(int DowntownId, int MayaId, int PackId)> MayaFamilyPackAsync()
    {
        await using var db = await browser.App.Services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        var downtown = await db.Locations.Where(l => l.Name == "Downtown Studio").Select(l => l.Id).SingleAsync();
        var pack = await db.Purchases.Where(p => p.Name == "20-Class Family Pack" && p.OwnerClient!.Barcode == "CP100001")
            .Select(p => new { p.Id, p.OwnerClientId }).SingleAsync();
        return (downtown, pack.OwnerClientId, pack.Id);
    }

    [Fact]
    public async Task The_Live_page_shows_reconnecting_while_the_circuit_is_down_and_reloads_once_it_is_back()
    {
        using var scope = browser.App.Services.CreateScope();
        var schedule = scope.ServiceProvider.GetRequiredService<ScheduleService>();
        var location = (await schedule.LocationsAsync(TestUsers.Staff)).Value![0];
        await using var tonight = await TonightAt.SetAsync(scope.ServiceProvider, location.Id);
        var className = $"Back {Guid.NewGuid():N}"[..13];
        var session = await schedule.CreateSessionAsync(TestUsers.Staff, new SessionInput
        {
            Name = className, LocationId = location.Id, Trainer = "Taylor Trainer", Date = tonight.Today, StartTime = TimeSpan.FromHours(23), Capacity = 10,
        });
        var (clientId, source) = await LimitedSourceAsync(scope.ServiceProvider, session.Value);
        var bookings = scope.ServiceProvider.GetRequiredService<BookingService>();
        var booked = await bookings.BookAsync(TestUsers.Staff, session.Value, clientId, source.PurchaseId, null);
        var page = await browser.SignedInPageAsync(DemoUsers.Staff, $"/live?location={location.Id}");
        var attendee = page.GetByTestId("live-session").Filter(new() { HasText = className }).GetByTestId("live-attendee");
        await Expect(attendee).ToContainTextAsync("Booked");
        var indicator = page.GetByTestId("connection-state");
        await Expect(indicator).ToHaveTextAsync("Live");
        await page.EvaluateAsync("window.sameDocument = true");

        // Blazor's own reconnect events, as its reconnect modal receives them when the connection drops and returns.
        await ReconnectStateAsync(page, "show");
        await Expect(indicator).ToHaveTextAsync("Reconnecting…");
        // Attendance moves no credits, so nothing is published: only the reload after reconnecting can show it.
        Assert.True((await bookings.MarkAttendedAsync(TestUsers.Staff, booked.Value!.BookingId)).Succeeded);
        await ReconnectStateAsync(page, "hide");

        await Expect(indicator).ToHaveTextAsync("Live");
        await Expect(attendee).ToContainTextAsync("Attended");
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"), "The page was reloaded instead of the Live page reloading its figures.");
    }

    private static async Task<ILocator> OpenHistoryAsync(IPage page, int purchaseId, int periodId)
    {
        await page.GetByTestId($"purchase-{purchaseId}").GetByRole(AriaRole.Button, new() { Name = "View History" }).ClickAsync();
        var period = page.GetByTestId($"period-{periodId}");
        await Expect(period.GetByTestId("used-max")).ToBeVisibleAsync();
        return period;
    }

    private static async Task ReconnectStateAsync(IPage page, string state) => await page.EvaluateAsync(
        "state => document.getElementById('components-reconnect-modal').dispatchEvent(new CustomEvent('components-reconnect-state-changed', { detail: { state } }))", state);

    private static int Number(string text) => int.Parse(text.Trim(), CultureInfo.InvariantCulture);

    // A generated client's limited purchase, so the demo clients other browser tests walk through keep their numbers.
    private async Task<(int ClientId, int PurchaseId, int PeriodId)> GeneratedClientsCurrentPeriodAsync()
    {
        var today = DateOnly.FromDateTime(DateTime.Today);
        await using var db = await browser.App.Services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        var period = await db.CreditPeriods
            .Where(p => p.MaxCredits != null && p.UsedCredits < p.MaxCredits && p.StartsOn <= today && p.EndsOn >= today && p.Purchase!.Status == PurchaseStatus.Active)
            .OrderByDescending(p => p.PurchaseId)
            .Select(p => new { p.Purchase!.OwnerClientId, p.PurchaseId, p.Id }).FirstAsync();
        return (period.OwnerClientId, period.PurchaseId, period.Id);
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

    private static async Task<Guid> PeriodVersionAsync(IServiceProvider services, int periodId)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        return await db.CreditPeriods.Where(p => p.Id == periodId).Select(p => p.Version).SingleAsync();
    }
}
