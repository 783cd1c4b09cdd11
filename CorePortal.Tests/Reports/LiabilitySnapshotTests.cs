using CorePortal.Data;
using CorePortal.Features.Reports;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Reports;

/// <summary>
/// Remaining credits read through kept snapshots must equal the hand-worked ledger figures of ReportsFixture, also when
/// writes land after a snapshot was kept and when days pass. Every item costs $100.00: the pack $10.00 a credit, Monthly 8
/// $100 / 24 credits = 416.67¢ a credit.
/// </summary>
public sealed class LiabilitySnapshotTests : IAsyncLifetime, IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly FixedClock _clock = FixedClock.At(2026, 11, 23);
    private readonly ReportsService _reports;
    private readonly System.Security.Claims.ClaimsPrincipal _manager = TestUsers.Manager;
    private readonly StudioBuilder _studio;
    private Purchase _pack = null!, _monthly = null!;

    public LiabilitySnapshotTests()
    {
        _reports = new ReportsService(_db, _clock);
        _studio = new StudioBuilder(_db, _clock);
    }

    public async ValueTask InitializeAsync() => (_pack, _monthly) = await ReportsFixture.BuildAsync(_studio);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose()
    {
        _studio.Dispose();
        _db.Dispose();
    }

    [Fact]
    public async Task A_past_day_is_kept_once_read_again_from_the_snapshot_and_worked_out_again_if_a_row_is_dated_into_it()
    {
        var midMonth = new DateOnly(2026, 11, 15);
        // End of 15 Nov: pack 10 − 3 = 7 ($70.00); Monthly 8: 6 + 8 = 14 → $58.33.
        Assert.Equal([("10-Class Pack", 1, 7, 7000L), ("Monthly 8", 1, 14, 5833L)], Figures((await _reports.LiabilityAsync(_manager, midMonth)).Value!));
        Assert.Equal([midMonth], await KeptDaysAsync());
        Assert.Equal([("10-Class Pack", 1, 7, 7000L), ("Monthly 8", 1, 14, 5833L)], Figures((await _reports.LiabilityAsync(_manager, midMonth)).Value!));

        // A use dated 15 Nov written after the snapshot (a clock set back): the kept figures no longer hold. Pack 7 − 1 = 6.
        _clock.Now = new DateTimeOffset(2026, 11, 15, 18, 0, 0, TimeSpan.Zero);
        await _studio.UseAsync(_pack.Periods[0], 1);
        _clock.Now = FixedClock.At(2026, 11, 23).Now;
        Assert.Equal([("10-Class Pack", 1, 6, 6000L), ("Monthly 8", 1, 14, 5833L)], Figures((await _reports.LiabilityAsync(_manager, midMonth)).Value!));
    }

    [Fact]
    public async Task Today_adds_the_writes_made_after_its_snapshot_a_use_a_refund_and_a_new_sale()
    {
        // Today before any write: pack 12 − 2 = 10 ($100.00); Monthly 8: 6 + 7 = 13 → $54.17. Yesterday's figures are kept too.
        Assert.Equal([("10-Class Pack", 1, 10, 10000L), ("Monthly 8", 1, 13, 5417L)], Figures((await _reports.LiabilityAsync(_manager, ReportsFixture.Today)).Value!));
        Assert.Equal([new DateOnly(2026, 11, 22), ReportsFixture.Today], await KeptDaysAsync());

        _clock.Now = _clock.Now.AddHours(1);
        var used = await _studio.UseAsync(_pack.Periods[0], 2);
        Assert.True((await _studio.Bookings.CancelAsync(TestUsers.Staff, used[0])).Succeeded);
        await _studio.UseAsync(_monthly.Periods[1], 1);
        await _studio.SellAsync(_pack.CatalogItemId, await _studio.ClientAsync("Eve", "Stone"));

        // Pack 10 − 2 + 1 = 9, plus Eve's new pack's 10: 2 purchases, 19 credits, $190.00. Monthly 8: 5 + 7 = 12 → $50.00.
        var today = (await _reports.LiabilityAsync(_manager, ReportsFixture.Today)).Value!;
        Assert.Equal([("10-Class Pack", 2, 19, 19000L), ("Monthly 8", 1, 12, 5000L)], Figures(today));
        // Yesterday still reads as it stood: the same as this morning.
        Assert.Equal([("10-Class Pack", 1, 10, 10000L), ("Monthly 8", 1, 13, 5417L)], Figures((await _reports.LiabilityAsync(_manager, new DateOnly(2026, 11, 22))).Value!));
        // And the same figures worked out from the ledger alone, with no snapshot kept.
        await _db.WriteAsync(db => db.LiabilitySnapshots.ExecuteDeleteAsync());
        Assert.Equal(today, (await _reports.LiabilityAsync(_manager, ReportsFixture.Today)).Value!);
    }

    [Fact]
    public async Task As_days_pass_a_period_that_ended_drops_out_and_a_late_write_into_yesterday_is_counted()
    {
        _clock.Now = new DateTimeOffset(2026, 12, 9, 10, 0, 0, TimeSpan.Zero);
        // 9 Dec, Monthly 8's second period's last day: 6 + 7 = 13 → $54.17.
        Assert.Equal([("10-Class Pack", 1, 10, 10000L), ("Monthly 8", 1, 13, 5417L)], Figures((await _reports.LiabilityAsync(_manager, new DateOnly(2026, 12, 9))).Value!));

        // Late on 9 Dec, after that snapshot, one more credit of the second period is used.
        _clock.Now = new DateTimeOffset(2026, 12, 9, 20, 0, 0, TimeSpan.Zero);
        await _studio.UseAsync(_monthly.Periods[1], 1);

        // 10 Dec: the second period ended, only the third's 7 remain → $29.17; and 9 Dec counts the late use: 5 + 7 = 12 → $50.00.
        _clock.Now = new DateTimeOffset(2026, 12, 10, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal([("10-Class Pack", 1, 10, 10000L), ("Monthly 8", 1, 7, 2917L)], Figures((await _reports.LiabilityAsync(_manager, new DateOnly(2026, 12, 10))).Value!));
        Assert.Equal([("10-Class Pack", 1, 10, 10000L), ("Monthly 8", 1, 12, 5000L)], Figures((await _reports.LiabilityAsync(_manager, new DateOnly(2026, 12, 9))).Value!));
    }

    [Fact]
    public async Task The_hourly_job_keeps_yesterdays_figures_and_today_is_then_read_from_them()
    {
        await _reports.EnsureSnapshotAsync(new DateOnly(2026, 11, 22));
        Assert.Equal([new DateOnly(2026, 11, 22)], await KeptDaysAsync());
        Assert.Equal([("10-Class Pack", 1, 10, 10000L), ("Monthly 8", 1, 13, 5417L)], Figures((await _reports.LiabilityAsync(_manager, ReportsFixture.Today)).Value!));
    }

    private static IEnumerable<(string, int, int, long)> Figures(IReadOnlyList<LiabilityRow> rows) =>
        rows.Select(r => (r.Item, r.Purchases, r.Remaining, r.ValueCents));

    private async Task<List<DateOnly>> KeptDaysAsync()
    {
        await using var db = _db.CreateDbContext();
        return await db.LiabilitySnapshots.OrderBy(s => s.Day).Select(s => s.Day).ToListAsync();
    }
}
