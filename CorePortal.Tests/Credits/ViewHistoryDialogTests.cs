using Bunit;
using CorePortal.Components.Pages.Clients;
using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Features.Notifications;
using CorePortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace CorePortal.Tests.Credits;

/// <summary>View History with its period grid: ticks bound two-way, then one Update Credits on the ticked periods.</summary>
public sealed class ViewHistoryDialogTests : PortalComponentTest, IAsyncLifetime
{
    private readonly TestDatabase _db = new();
    private readonly FixedClock _clock = FixedClock.At(2026, 11, 23);
    // A save on PostgreSQL takes a few round trips more than on SQLite: on a busy machine one second was not always enough.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private Purchase _monthly = null!;

    public ViewHistoryDialogTests()
    {
        Services.AddSingleton<IDbContextFactory<CoreDbContext>>(_db);
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton(new BalanceFeed(NullLogger<BalanceFeed>.Instance));
        Services.AddSingleton<OutboxSignal>();
        Services.AddScoped<CreditAdjustmentService>();
        Services.AddScoped<CreditReadService>();
        AddAuthorization().SetAuthorized("Sam Staff").SetRoles(Roles.Staff);
    }

    public async ValueTask InitializeAsync()
    {
        var studio = await new StudioBuilder(_db, _clock).WithLocationAsync();
        _monthly = await studio.SellAsync(await studio.MembershipAsync("Monthly 8", 8), await studio.ClientAsync("Maya", "Chen"), new DateOnly(2026, 10, 15));
    }

    [Fact]
    public async Task Ticking_two_periods_offers_one_update_for_both_and_saving_it_clears_the_ticks()
    {
        var markup = RenderProviders();
        var dialogs = Services.GetRequiredService<IDialogService>();
        await markup.InvokeAsync(() => dialogs.ShowAsync<ViewHistoryDialog>("View History",
            new DialogParameters<ViewHistoryDialog> { { d => d.PurchaseId, _monthly.Id } }));
        markup.WaitForAssertion(() => markup.Find("[data-testid=period-grid]"), Wait);
        Assert.Empty(markup.FindAll("[data-testid=update-selected]"));

        Tick(markup, _monthly.Periods[1]);
        Tick(markup, _monthly.Periods[2]);

        markup.WaitForAssertion(() => Assert.Contains("Update Credits on 2 periods", markup.Find("[data-testid=update-selected]").TextContent, StringComparison.Ordinal), Wait);
        markup.Find("[data-testid=update-selected]").Click();
        markup.WaitForAssertion(() => markup.Find("input[data-testid=amount], [data-testid=amount] input").Input("1"), Wait);
        markup.WaitForAssertion(() => Assert.Equal(2, markup.FindAll("[data-testid=preview] li").Count), Wait);
        markup.Find("[data-testid=save]").Click();

        markup.WaitForAssertion(() => Assert.Empty(markup.FindAll("[data-testid=update-selected]")), Wait);
        Assert.Empty(markup.FindAll("[data-testid=period-grid] input[type=checkbox][checked]"));
        await using var db = _db.CreateDbContext();
        var maxes = await db.CreditPeriods.Where(p => p.PurchaseId == _monthly.Id).OrderBy(p => p.StartsOn).Select(p => p.MaxCredits).ToListAsync();
        Assert.Equal([8, 9, 9], maxes);
    }

    private static void Tick(IRenderedComponent<IComponent> markup, CreditPeriod period) =>
        markup.Find($"[data-testid=period-{period.Id}] input[type=checkbox]").Change(true);

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _db.Dispose();
    }
}
