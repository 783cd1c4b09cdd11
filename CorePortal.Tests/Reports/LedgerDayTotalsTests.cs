using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Features.Reports;
using CorePortal.Features.Sales;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Reports;

/// <summary>Usage reads the per-day totals the database keeps beside the ledger: every writer must keep them right.</summary>
public sealed class LedgerDayTotalsTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new();
    private readonly System.Security.Claims.ClaimsPrincipal _manager = TestUsers.Manager;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_kind_of_write_shows_in_its_weeks_usage_and_the_day_totals_stay_equal_to_the_ledger()
    {
        var maya = await _world.ClientAsync("Maya", "Chen");
        var sales = _world.Sales;
        var adjustments = _world.Adjustments;

        var sale = await sales.CheckoutAsync(TestUsers.Staff, new SaleRequest(await _world.PackageAsync("10-Class Pack", 10), maya.Id, []), ct: Ct);
        var purchaseId = sale.Value!.PurchaseId;
        await ExpectUsageAsync(granted: 10, used: 0, refunded: 0, adjusted: 0);

        var booking = await _world.Bookings.BookAsync(TestUsers.Staff, (await _world.SessionAsync("HIIT 45")).Id, maya.Id, purchaseId, null, Ct);
        await ExpectUsageAsync(granted: 10, used: 1, refunded: 0, adjusted: 0);

        Assert.True((await _world.Bookings.CancelAsync(TestUsers.Staff, booking.Value!.BookingId, ct: Ct)).Succeeded);
        await ExpectUsageAsync(granted: 10, used: 1, refunded: 1, adjusted: 0);

        Assert.True((await adjustments.SaveAsync(TestUsers.Staff, await AdjustmentAsync(purchaseId, CreditAction.AddCredits, 3), Ct)).Succeeded);
        await ExpectUsageAsync(granted: 10, used: 1, refunded: 1, adjusted: 3);

        Assert.True((await adjustments.SaveAsync(TestUsers.Staff, await AdjustmentAsync(purchaseId, CreditAction.DeductCredits, 1), Ct)).Succeeded);
        await ExpectUsageAsync(granted: 10, used: 1, refunded: 1, adjusted: 2);
    }

    [Fact]
    public async Task The_audit_reports_a_day_whose_total_was_changed_without_a_ledger_row()
    {
        await _world.SellAsync(await _world.ClientAsync("Grace", "O'Neill"), "10-Class Pack", credits: 10, startsOn: _world.Today);
        await using var db = _world.Db.CreateDbContext();
        Assert.Empty(await LedgerAudit.FindDayTotalDisagreementsAsync(db, Ct));

        await _world.Db.WriteAsync(w => w.LedgerDailyTotals.ExecuteUpdateAsync(s => s.SetProperty(t => t.Amount, 12), Ct));

        var disagreement = Assert.Single(await LedgerAudit.FindDayTotalDisagreementsAsync(db, Ct));
        Assert.Equal(new DayTotalDisagreement("2026-03-02", LedgerKind.Grant, 12, 10, 1, 1), disagreement);
    }

    // Today (2 Mar 2026) is a Monday: the week is today alone so far.
    private async Task ExpectUsageAsync(int granted, int used, int refunded, int adjusted)
    {
        var reports = new ReportsService(_world.Db, _world.Clock);
        var week = (await reports.UsageAsync(_manager, new ReportRange(_world.Today, _world.Today.AddDays(6)), Ct)).Value!;
        Assert.Equal([new UsageWeek(_world.Today, granted, used, refunded, adjusted, 0)], week);
        await using var db = _world.Db.CreateDbContext();
        Assert.Empty(await LedgerAudit.FindDayTotalDisagreementsAsync(db, Ct));
    }

    private async Task<CreditAdjustment> AdjustmentAsync(int purchaseId, CreditAction action, int amount)
    {
        await using var db = _world.Db.CreateDbContext();
        var period = await db.CreditPeriods.AsNoTracking().SingleAsync(p => p.PurchaseId == purchaseId, Ct);
        return new CreditAdjustment(purchaseId, [new PeriodVersion(period.Id, period.Version)], action, amount, Note: "Test");
    }

    public async ValueTask InitializeAsync() => await _world.WithLocationAsync();

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
