using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Features.Notifications;
using CorePortal.Features.Reports;
using CorePortal.Features.Sales;
using CorePortal.Tests.Bookings;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Reports;

/// <summary>Usage reads the per-day totals the database keeps beside the ledger: every writer must keep them right.</summary>
public sealed class LedgerDayTotalsTests : IDisposable
{
    private readonly BookingWorld _world = new();
    private readonly System.Security.Claims.ClaimsPrincipal _manager = StudioBuilder.User(Roles.Manager, "Mia Manager");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_kind_of_write_shows_in_its_weeks_usage_and_the_day_totals_stay_equal_to_the_ledger()
    {
        var maya = _world.AddClient("Maya", "Chen");
        var sales = new SaleService(_world.Db, _world.Feed, new OutboxSignal(), _world.Clock);
        var adjustments = new CreditAdjustmentService(_world.Db, _world.Feed, new OutboxSignal(), _world.Clock);

        var sale = await sales.CheckoutAsync(BookingWorld.Staff, new SaleRequest(await PackAsync(), maya.Id, []), ct: Ct);
        var purchaseId = sale.Value!.PurchaseId;
        await ExpectUsageAsync(granted: 10, used: 0, refunded: 0, adjusted: 0);

        var booking = await _world.Bookings.BookAsync(BookingWorld.Staff, _world.AddSession("HIIT 45").Id, maya.Id, purchaseId, null, Ct);
        await ExpectUsageAsync(granted: 10, used: 1, refunded: 0, adjusted: 0);

        Assert.True((await _world.Bookings.CancelAsync(BookingWorld.Staff, booking.Value!.BookingId, Ct)).Succeeded);
        await ExpectUsageAsync(granted: 10, used: 1, refunded: 1, adjusted: 0);

        Assert.True((await adjustments.SaveAsync(BookingWorld.Staff, await AdjustmentAsync(purchaseId, CreditAction.AddCredits, 3), Ct)).Succeeded);
        await ExpectUsageAsync(granted: 10, used: 1, refunded: 1, adjusted: 3);

        Assert.True((await adjustments.SaveAsync(BookingWorld.Staff, await AdjustmentAsync(purchaseId, CreditAction.DeductCredits, 1), Ct)).Succeeded);
        await ExpectUsageAsync(granted: 10, used: 1, refunded: 1, adjusted: 2);
    }

    [Fact]
    public async Task The_audit_reports_a_day_whose_total_was_changed_without_a_ledger_row()
    {
        _world.Sell(_world.AddClient("Grace", "O'Neill"), "10-Class Pack", credits: 10);
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
        var week = (await reports.UsageAsync(_manager, new ReportRange(BookingWorld.Today, BookingWorld.Today.AddDays(6)), Ct)).Value!;
        Assert.Equal([new UsageWeek(BookingWorld.Today, granted, used, refunded, adjusted, 0)], week);
        await using var db = _world.Db.CreateDbContext();
        Assert.Empty(await LedgerAudit.FindDayTotalDisagreementsAsync(db, Ct));
    }

    private async Task<int> PackAsync()
    {
        await using var db = _world.Db.CreateDbContext();
        await using var tx = await db.BeginWriteAsync(Ct);
        var item = new CatalogItem { Kind = CatalogKind.Package, Name = "10-Class Pack", PriceCents = 10_000, LocationId = _world.Location.Id, CreditsPerPeriod = 10, ValidityDays = 90 };
        db.CatalogItems.Add(item);
        await db.SaveChangesAsync(Ct);
        await tx.CommitAsync(Ct);
        return item.Id;
    }

    private async Task<CreditAdjustment> AdjustmentAsync(int purchaseId, CreditAction action, int amount)
    {
        await using var db = _world.Db.CreateDbContext();
        var period = await db.CreditPeriods.AsNoTracking().SingleAsync(p => p.PurchaseId == purchaseId, Ct);
        return new CreditAdjustment(purchaseId, [new PeriodVersion(period.Id, period.Version)], action, amount, Note: "Test");
    }

    public void Dispose() => _world.Dispose();
}
