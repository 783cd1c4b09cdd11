using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Features.Notifications;
using CorePortal.Features.Reports;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CorePortal.Tests.Reports;

public sealed class ReportsServiceTests : IAsyncLifetime, IDisposable
{
    private static readonly DateOnly Today = ReportsFixture.Today;
    private static readonly ReportRange November = new(new DateOnly(2026, 11, 2), Today);
    private readonly TestDatabase _db = new();
    private readonly FixedClock _clock = FixedClock.At(2026, 11, 23);
    private readonly ReportsService _reports;
    private readonly System.Security.Claims.ClaimsPrincipal _manager = TestUsers.Manager;

    public ReportsServiceTests() => _reports = new ReportsService(_db, _clock);

    public async ValueTask InitializeAsync()
    {
        using var studio = new StudioBuilder(_db, _clock);
        await ReportsFixture.BuildAsync(studio);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Remaining_credits_today_count_adds_deducts_and_the_refund_and_value_them_at_the_price_per_credit()
    {
        var rows = (await _reports.LiabilityAsync(_manager, Today)).Value!;

        // Pack: max 10 + 2 = 12, used 3 − 1 refunded = 2 → 10 left at $100 / 10 credits = $10.00 each → $100.00.
        // Monthly 8: the first period ended 9 Nov (not counted); 8 − 2 used = 6, plus 8 − 1 deducted = 7 → 13 left
        // at $100 / 24 credits granted → 13 × 416.67¢ = $54.17. Unlimited Monthly is not a limited balance.
        Assert.Equal(
            [new LiabilityRow("Downtown Studio", rows[0].CatalogItemId, "10-Class Pack", 1, 10, 10000),
             new LiabilityRow("Downtown Studio", rows[1].CatalogItemId, "Monthly 8", 1, 13, 5417)],
            rows);
    }

    [Fact]
    public async Task Remaining_credits_on_a_past_day_are_rebuilt_from_the_ledger_rows_written_by_then()
    {
        // End of 15 Nov: no adjustment or refund yet. Pack 10 − 3 = 7 ($70.00); Monthly 8: 6 + 8 = 14 → 14 × 416.67¢ = $58.33.
        var midMonth = (await _reports.LiabilityAsync(_manager, new DateOnly(2026, 11, 15))).Value!;
        Assert.Equal([("10-Class Pack", 7, 7000L), ("Monthly 8", 14, 5833L)], midMonth.Select(r => (r.Item, r.Remaining, r.ValueCents)));

        // End of 5 Nov: Monthly 8 (sold 10 Oct) had all 24 credits left → $100.00. End of 9 Oct: nothing was sold yet.
        var early = (await _reports.LiabilityAsync(_manager, new DateOnly(2026, 11, 5))).Value!;
        Assert.Equal([("10-Class Pack", 7, 7000L), ("Monthly 8", 24, 10000L)], early.Select(r => (r.Item, r.Remaining, r.ValueCents)));
        Assert.Empty((await _reports.LiabilityAsync(_manager, new DateOnly(2026, 10, 9))).Value!);
    }

    [Fact]
    public async Task Unlimited_purchases_are_listed_apart_with_their_days_left_and_not_before_they_were_sold()
    {
        // Unlimited Monthly runs to 19 Feb 2027: 23 Nov → 19 Feb is 88 days, 89 counting today.
        var today = (await _reports.UnlimitedAsync(_manager, Today)).Value!;
        Assert.Equal([("Maya Chen", "Unlimited Monthly", new DateOnly(2027, 2, 19), 89)], today.Select(r => (r.Owner, r.Item, r.EndsOn, r.DaysLeft)));

        Assert.Empty((await _reports.UnlimitedAsync(_manager, new DateOnly(2026, 11, 19))).Value!);
    }

    [Fact]
    public async Task An_unlimited_purchase_moved_to_end_later_keeps_its_old_end_on_a_day_before_the_move()
    {
        // Today a manager moves the Unlimited Monthly's last period (20 Jan – 19 Feb) to end on 28 Feb.
        await using (var db = _db.CreateDbContext())
        {
            var last = await db.CreditPeriods.AsNoTracking().Where(p => p.MaxCredits == null).OrderBy(p => p.StartsOn).LastAsync();
            var adjustments = new CreditAdjustmentService(_db, new BalanceFeed(NullLogger<BalanceFeed>.Instance), new OutboxSignal(), _clock);
            var moved = await adjustments.SaveAsync(_manager, new CreditAdjustment(last.PurchaseId, [new PeriodVersion(last.Id, last.Version)],
                CreditAction.AddCredits, null, EditValidity: true, StartsOn: last.StartsOn, EndsOn: new DateOnly(2027, 2, 28)));
            Assert.True(moved.Succeeded, moved.Message);
        }

        // 23 Nov → 28 Feb: 98 days counting today. At the end of 21 Nov it still ran to 19 Feb: 91 days counting that day.
        Assert.Equal([(new DateOnly(2027, 2, 28), 98)], (await _reports.UnlimitedAsync(_manager, Today)).Value!.Select(r => (r.EndsOn, r.DaysLeft)));
        var before = (await _reports.UnlimitedPageAsync(_manager, new DateOnly(2026, 11, 21), 0, 10)).Value!;
        Assert.Equal([(new DateOnly(2027, 2, 19), 91)], before.Rows.Select(r => (r.EndsOn, r.DaysLeft)));
        Assert.Equal(1, before.Total);
    }

    [Fact]
    public async Task Usage_per_week_counts_grants_uses_refunds_adjustments_and_expired_credits()
    {
        var weeks = (await _reports.UsageAsync(_manager, November)).Value!;

        // Week of 2 Nov: the pack's 10 granted, 3 used. Week of 9 Nov: 2 used, and Monthly 8's first period's 8 unused credits
        // expired on 9 Nov (its 24 were granted on 10 Oct, before the range). Week of 16 Nov: +2 −1 adjusted, 1 refunded
        // (Unlimited's grant moves no credits).
        Assert.Equal(
            [new UsageWeek(new DateOnly(2026, 11, 2), 10, 3, 0, 0, 0),
             new UsageWeek(new DateOnly(2026, 11, 9), 0, 2, 0, 0, 8),
             new UsageWeek(new DateOnly(2026, 11, 16), 0, 0, 1, 1, 0)],
            weeks);
    }

    [Fact]
    public async Task Drilling_into_a_week_lists_the_ledger_rows_behind_the_figure()
    {
        var refunds = (await _reports.UsageRowsAsync(_manager, new DateOnly(2026, 11, 16), UsageMeasure.Refunded)).Value!;
        Assert.Equal([("Refunded on cancel", -1, "Maya Chen", "10-Class Pack")], refunds.Select(r => (r.Action, r.Amount, r.Owner, r.Item)));

        // Expired credits lead to the grant of the period that ran out: Monthly 8's first period.
        var expired = (await _reports.UsageRowsAsync(_manager, new DateOnly(2026, 11, 9), UsageMeasure.Expired)).Value!;
        Assert.Equal([("Granted at sale", 8, "Leo Chen", "Monthly 8")], expired.Select(r => (r.Action, r.Amount, r.Owner, r.Item)));
    }

    [Fact]
    public async Task Adjustments_show_who_added_or_deducted_how_many_with_their_notes()
    {
        Assert.Equal([new AdjusterTotal("Mia Manager", 1, 0, 1), new AdjusterTotal("Sam Staff", 1, 2, 0)], (await _reports.AdjustersAsync(_manager, November)).Value!);

        var rows = (await _reports.AdjustmentRowsAsync(_manager, November)).Value!;
        Assert.Equal(
            [("Mia Manager", "Deduct Credits", -1, "Leo Chen", "Sold by mistake"), ("Sam Staff", "Add Credits", 2, "Maya Chen", "Goodwill")],
            rows.Select(r => (r.Actor, r.Action, r.Amount, r.Owner, r.Note)));

        Assert.Empty((await _reports.AdjustmentRowsAsync(_manager, new ReportRange(new DateOnly(2026, 11, 17), Today))).Value!);
    }

    [Fact]
    public async Task Sharing_counts_shared_purchases_authorized_clients_visits_by_others_and_open_invitations()
    {
        var sharing = (await _reports.SharingAsync(_manager, November)).Value!;

        // One shared pack; Leo accepted; four live visits (Maya's Pilates, Leo's Spin and his two Monthly 8 classes; Maya's
        // cancelled Yoga does not count), one by someone other than the owner (Leo's Spin from Maya's pack); Ava pending, Noah declined.
        Assert.Equal(new SharingSummary(1, 1, 4, 1, 1, 1), sharing);
        Assert.Equal(0.25, sharing.OthersShare);
    }

    [Theory]
    [InlineData(Roles.Staff)]
    [InlineData(Roles.Trainer)]
    [InlineData(Roles.Member)]
    public async Task Reports_answer_Forbidden_to_anyone_but_managers(string role)
    {
        var user = TestUsers.As("Someone", role);
        ServiceResult[] answers =
        [
            await _reports.LiabilityAsync(user, Today), await _reports.UnlimitedPageAsync(user, Today, 0, 10), await _reports.UsageAsync(user, November),
            await _reports.UsageRowsAsync(user, new DateOnly(2026, 11, 16), UsageMeasure.Used), await _reports.AdjustersAsync(user, November),
            await _reports.AdjustmentRowsAsync(user, November), await _reports.SharingAsync(user, November),
        ];
        Assert.All(answers, a => Assert.Equal(Outcome.Forbidden, a.Outcome));
    }
}
