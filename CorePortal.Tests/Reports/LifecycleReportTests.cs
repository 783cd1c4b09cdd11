using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Features.Reports;
using CorePortal.Tests.Infrastructure;
using CorePortal.Tests.Memberships;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Reports;

/// <summary>
/// The reports over the lifecycle's ledger kinds, figures worked out by hand. Monthly 8 costs $120.00 for 3 periods of 8
/// (24 credits: $5.00 a credit), the 10-Class Pack $100.00 ($10.00 a credit).
///   2 Nov  Leo buys Monthly 8: p1 2 Nov–1 Dec, p2 2 Dec–1 Jan, p3 2 Jan–1 Feb. Maya buys the pack (2 Nov – 30 Jan) and uses 2.
///  10 Nov  A prorated freeze takes 3 from p2 (Frozen −3: Max 5); an early end forfeits 2 of p3 (Forfeited −2: Max 6).
///   2 Dec  p1 rolls 4 credits into a bucket running 2 Dec – 1 Jan (RolledOver −4, RolledIn 4); the other 4 expire (Expired −4).
///   5 Dec  Maya's pack is frozen from 5 to 20 Dec.          Today: 7 Dec.
/// Remaining at the end of: 5 Nov  Monthly 8 + 8 + 8 = 24 ($120.00), pack 8 ($80.00).   10 Nov  Monthly 8 + 5 + 6 = 19 ($95.00).
///   1 Dec  19 (p1 still runs; the bucket is not there yet).   2 Dec and 7 Dec  5 + 6 + bucket 4 = 15 ($75.00), of which rolled 4;
///   on 7 Dec the pack is frozen: 1 purchase, 8 credits, $80.00 apart.
/// Usage 2 Nov – 7 Dec: week of 2 Nov granted 34, used 2; of 9 Nov forfeited 3 + 2 = 5; of 30 Nov expired 4 (the row; p1 then
///   has nothing left unused); rolled credits are neither granted nor expired.
/// </summary>
public sealed class LifecycleReportTests : IAsyncLifetime
{
    private readonly StudioBuilder _studio = new(FixedClock.At(2026, 11, 2));
    private Purchase _monthly = null!;
    private Purchase _pack = null!;

    private ReportsService Reports => _studio.Reports;

    [Fact]
    public async Task Remaining_credits_follow_forfeits_freezes_expiry_and_rolled_buckets_and_equal_the_ledger_sum_on_every_day()
    {
        await BuildAsync();

        foreach (var (day, monthly, rolled) in new[] { (D(11, 5), 24, 0), (D(11, 10), 19, 0), (D(12, 1), 19, 0), (D(12, 2), 15, 4), (D(12, 7), 15, 4) })
        {
            var rows = (await Reports.LiabilityAsync(TestUsers.Manager, day)).Value!;
            var row = rows.Single(r => r.Item == "Monthly 8");
            Assert.Equal((day, monthly, monthly * 500L, rolled), (day, row.Remaining, row.ValueCents, row.RolledRemaining));
            Assert.Equal((8, 8000L), (rows.Single(r => r.Item == "10-Class Pack").Remaining, rows.Single(r => r.Item == "10-Class Pack").ValueCents));
            Assert.Equal((day, await LedgerSumAsync(day)), (day, rows.Sum(r => r.Remaining)));
        }
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task Purchases_frozen_on_the_day_are_shown_apart_and_in_the_export()
    {
        await BuildAsync();

        var frozen = (await Reports.LiabilityAsync(TestUsers.Manager, D(12, 7))).Value!.Single(r => r.Item == "10-Class Pack");
        Assert.Equal((1, 8, 1, 8, 8000L), (frozen.Purchases, frozen.Remaining, frozen.FrozenPurchases, frozen.FrozenRemaining, frozen.FrozenValueCents));
        Assert.All((await Reports.LiabilityAsync(TestUsers.Manager, D(12, 4))).Value!, r => Assert.Equal(0, r.FrozenPurchases));
        Assert.Equal(0, (await Reports.LiabilityAsync(TestUsers.Manager, D(12, 7))).Value!.Single(r => r.Item == "Monthly 8").FrozenPurchases);

        var csv = (await _studio.ReportCsv.LiabilityAsync(TestUsers.Manager, D(12, 7))).Value!.Split("\r\n");
        Assert.Equal("Location,Item,Purchases,Credits remaining,Value,Of which rolled,Frozen purchases,Frozen credits,Frozen value", csv[0]);
        Assert.Contains("Downtown Studio,10-Class Pack,1,8,80.00,0,1,8,80.00", csv);
        Assert.Contains("Downtown Studio,Monthly 8,1,15,75.00,4,0,0,0.00", csv);
    }

    [Fact]
    public async Task Usage_per_week_counts_forfeited_and_expired_rows_and_drills_into_them()
    {
        await BuildAsync();
        var range = new ReportRange(D(11, 2), D(12, 7));

        Assert.Equal(
            [new UsageWeek(D(11, 2), 34, 2, 0, 0, 0, 0), new UsageWeek(D(11, 9), 0, 0, 0, 0, 0, 5), new UsageWeek(D(11, 30), 0, 0, 0, 0, 4, 0)],
            (await Reports.UsageAsync(TestUsers.Manager, range)).Value!);
        Assert.Equal(["Frozen -3", "Forfeited -2"], (await Reports.UsageRowsAsync(TestUsers.Manager, D(11, 9), UsageMeasure.Forfeited)).Value!
            .Select(r => $"{r.Action} {r.Amount}"));
        Assert.Equal([-4], (await Reports.UsageRowsAsync(TestUsers.Manager, D(11, 30), UsageMeasure.Expired)).Value!.Select(r => r.Amount));

        var csv = (await _studio.ReportCsv.UsageAsync(TestUsers.Manager, range)).Value!.Split("\r\n");
        Assert.Equal("Week of,Granted,Used,Refunded,Adjusted,Expired,Forfeited", csv[0]);
        Assert.Equal("2026-11-09,0,0,0,0,0,5", csv[2]);
    }

    [Fact]
    public async Task A_kept_days_figures_are_brought_forward_over_rows_of_the_new_kinds_written_that_day()
    {
        await BuildAsync(before10NovRows: async () =>
            Assert.Equal(24, (await Reports.LiabilityAsync(TestUsers.Manager, D(11, 10))).Value!.Single(r => r.Item == "Monthly 8").Remaining));

        await using (var db = await _studio.Db.CreateDbContextAsync())
            Assert.True(await db.LiabilitySnapshots.AnyAsync(s => s.Day == D(11, 10)));
        Assert.Equal(19, (await Reports.LiabilityAsync(TestUsers.Manager, D(11, 10))).Value!.Single(r => r.Item == "Monthly 8").Remaining);
    }

    private async Task BuildAsync(Func<Task>? before10NovRows = null)
    {
        var clock = _studio.Clock;
        var monthlyItem = await _studio.MembershipAsync("Monthly 8", 8, price: 120m);
        var packItem = await _studio.PackageAsync("10-Class Pack", 10, validityDays: 90);
        _monthly = await _studio.SellAsync(monthlyItem, await _studio.ClientAsync("Leo", "Chen"));
        _pack = await _studio.SellAsync(packItem, await _studio.ClientAsync("Maya", "Chen"));
        await _studio.UseAsync(_pack.Periods[0], 2);

        clock.Now = At(11, 10);
        if (before10NovRows is not null) await before10NovRows();
        await _studio.MoveMaxAsync(_monthly.Periods[1].Id, LedgerKind.Frozen, -3);
        await _studio.MoveMaxAsync(_monthly.Periods[2].Id, LedgerKind.Forfeited, -2);

        clock.Now = At(12, 2);
        await _studio.RollOverAsync(_monthly.Periods[0].Id, 4, D(12, 2), new DateOnly(2027, 1, 1));
        await _studio.MoveMaxAsync(_monthly.Periods[0].Id, LedgerKind.Expired, -4);

        clock.Now = At(12, 5);
        await _studio.FreezeRowAsync(_pack.Id, D(12, 5), D(12, 20));
        clock.Now = At(12, 7);
    }

    // The remaining credits as the ledger alone says at the end of the day: per limited period opened by then and still running
    // (its last end date written by then is on or after the day), its Max-moving amounts minus its Used-moving amounts.
    private async Task<int> LedgerSumAsync(DateOnly day)
    {
        var cutoff = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await using var db = await _studio.Db.CreateDbContextAsync();
        var rows = await db.Ledger.AsNoTracking().OrderBy(l => l.Id).ToListAsync();
        return rows.Where(l => l.AtUtc < cutoff).GroupBy(l => l.PeriodId)
            .Where(g => g.Last().MaxAfter is not null && g.Last(l => l.EndsOnAfter is not null).EndsOnAfter >= day)
            .Sum(g => g.Where(l => LedgerKinds.ChangesMax(l.Kind)).Sum(l => l.Amount) - g.Where(l => LedgerKinds.MoveUsed.Contains(l.Kind)).Sum(l => l.Amount));
    }

    private async Task AssertLedgerAgreesAsync()
    {
        await using var db = await _studio.Db.CreateDbContextAsync();
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db));
        Assert.Empty(await LedgerAudit.FindDayTotalDisagreementsAsync(db));
    }

    private static DateOnly D(int month, int day) => new(2026, month, day);

    private static DateTimeOffset At(int month, int day) => new(2026, month, day, 10, 0, 0, TimeSpan.Zero);

    public async ValueTask InitializeAsync() => await _studio.WithLocationAsync();

    public ValueTask DisposeAsync()
    {
        _studio.Dispose();
        return ValueTask.CompletedTask;
    }
}
