using CorePortal.Data;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Memberships;

/// <summary>
/// Renewal of open-ended memberships: always the current period and the next one, made by the sale, the job and the booking
/// path through the one period boundary; once each, however many passes run at once.
/// Monthly 8 (open-ended, 8 credits a month) sold on 15 Oct 2026: periods 15 Oct–14 Nov (Grant), 15 Nov–14 Dec (Renewed), …
/// </summary>
public sealed class RenewalTests : IAsyncLifetime, IDisposable
{
    private readonly StudioBuilder _studio = new(FixedClock.At(2026, 10, 15));
    private Client _maya = null!;
    private int _monthly;

    public async ValueTask InitializeAsync()
    {
        await _studio.WithLocationAsync();
        _maya = await _studio.ClientAsync("Maya", "Chen");
        _monthly = await _studio.OpenEndedMembershipAsync("Monthly 8", 8);
    }

    [Fact]
    public async Task Sale_of_an_open_ended_membership_makes_the_current_and_the_next_period()
    {
        var purchase = await _studio.SellAsync(_monthly, _maya);

        var periods = await _studio.PeriodsAsync(purchase.Id);
        Assert.Equal([(1, "2026-10-15..2026-11-14", 8, 0, false), (2, "2026-11-15..2026-12-14", 8, 0, false)], periods.Shape());
        Assert.Equal([LedgerKind.Grant, LedgerKind.Renewed], (await _studio.RowsAsync(purchase.Id)).Select(r => r.Kind));
        Assert.Equal(new DateOnly(2026, 12, 14), (await _studio.PurchaseAsync(purchase.Id)).EndsOn);
        await _studio.AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task The_job_makes_the_next_period_once_the_current_one_has_begun_and_expires_the_ended_one()
    {
        var purchase = await _studio.SellAsync(_monthly, _maya);
        await _studio.UseAsync(purchase.Periods[0], 3);
        Assert.Equal(0, await _studio.MembershipPassAsync()); // 15 Oct: period 2 exists already, nothing has ended
        _studio.MoveTo(2026, 11, 15);

        Assert.Equal(1, await _studio.MembershipPassAsync());
        Assert.Equal(0, await _studio.MembershipPassAsync()); // a second pass finds nothing to do

        Assert.Equal([(1, "2026-10-15..2026-11-14", 3, 3, false), (2, "2026-11-15..2026-12-14", 8, 0, false), (3, "2026-12-15..2027-01-14", 8, 0, false)],
            (await _studio.PeriodsAsync(purchase.Id)).Shape());
        var renewed = Assert.Single(await _studio.RowsAsync(purchase.Id, LedgerKind.Renewed), r => r.EndsOnAfter == new DateOnly(2027, 1, 14));
        Assert.Equal((8, 8, 0, new DateOnly(2026, 12, 15)), (renewed.Amount, renewed.MaxAfter, renewed.UsedAfter, renewed.StartsOnAfter));
        var expired = Assert.Single(await _studio.RowsAsync(purchase.Id, LedgerKind.Expired));
        Assert.Equal((-5, 3, 3), (expired.Amount, expired.MaxAfter, expired.UsedAfter));
        Assert.Equal(new DateOnly(2027, 1, 14), (await _studio.PurchaseAsync(purchase.Id)).EndsOn);
        await _studio.AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task Two_passes_at_once_make_each_period_once_and_one_Expired_row_per_period()
    {
        List<int> purchases = [];
        for (var i = 0; i < 4; i++) purchases.Add((await _studio.SellAsync(_monthly, await _studio.ClientAsync("Pass", $"Client{i}"))).Id);
        var unlimited = (await _studio.SellAsync(await _studio.OpenEndedMembershipAsync("Unlimited", null), _maya)).Id;
        _studio.MoveTo(2027, 2, 20); // three months on: periods of Oct, Nov, Dec and Jan ended unused, Feb is current

        var changed = await AllAtOnce.RunAsync(() => _studio.MembershipPassAsync(), () => _studio.MembershipPassAsync());

        Assert.Equal(5, changed.Sum()); // each purchase changed by one pass or the other, never both
        foreach (var id in purchases)
        {
            var periods = await _studio.PeriodsAsync(id);
            Assert.Equal([1, 2, 3, 4, 5, 6], periods.Select(p => p.Sequence));
            Assert.Equal(new DateOnly(2027, 3, 15), periods[^1].StartsOn);
            Assert.Equal(4, (await _studio.RowsAsync(id, LedgerKind.Expired)).Count);
            Assert.Equal(5, (await _studio.RowsAsync(id, LedgerKind.Renewed)).Count);
        }
        Assert.Equal(6, (await _studio.PeriodsAsync(unlimited)).Count);
        Assert.Empty(await _studio.RowsAsync(unlimited, LedgerKind.Expired)); // unlimited periods have nothing to expire
        await _studio.AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task Booking_into_a_period_not_yet_made_makes_it_with_a_Renewed_row_and_books()
    {
        var purchase = await _studio.SellAsync(_monthly, _maya);
        var farAhead = await _studio.SessionAsync("Reformer", dayOffset: 70); // 24 Dec 2026: period 3 (15 Dec–14 Jan) does not exist yet

        var receipt = await _studio.BookAsync(farAhead, _maya, purchase);

        var periods = await _studio.PeriodsAsync(purchase.Id);
        Assert.Equal([(1, "2026-10-15..2026-11-14", 8, 0, false), (2, "2026-11-15..2026-12-14", 8, 0, false), (3, "2026-12-15..2027-01-14", 8, 1, false),
            (4, "2027-01-15..2027-02-14", 8, 0, false)], periods.Shape());
        Assert.Equal(periods[2].Id, receipt.PeriodId);
        Assert.Equal(7, receipt.Remaining);
        Assert.Equal([LedgerKind.Renewed, LedgerKind.BookingUse], (await _studio.RowsAsync(purchase.Id)).Where(r => r.PeriodId == periods[2].Id).Select(r => r.Kind));
        await _studio.AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task A_fixed_term_membership_does_not_renew_and_its_ended_periods_expire()
    {
        var fixedTerm = await _studio.SellAsync(await _studio.MembershipAsync("Three Months", 4, periods: 3), _maya);
        _studio.MoveTo(2027, 1, 20); // all three periods (to 14 Jan) have ended

        await _studio.MembershipPassAsync();

        var periods = await _studio.PeriodsAsync(fixedTerm.Id);
        Assert.Equal([(1, "2026-10-15..2026-11-14", 0, 0, false), (2, "2026-11-15..2026-12-14", 0, 0, false), (3, "2026-12-15..2027-01-14", 0, 0, false)],
            periods.Shape());
        Assert.Empty(await _studio.RowsAsync(fixedTerm.Id, LedgerKind.Renewed));
        Assert.Equal(3, (await _studio.RowsAsync(fixedTerm.Id, LedgerKind.Expired)).Count);
        await _studio.AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task A_cancelled_membership_renews_no_period_past_its_last_day_and_ends_when_it_has_passed()
    {
        var purchase = await _studio.SellAsync(_monthly, _maya);
        // Cancelled at the end of period 2 (the cancellation itself is another part of the lifecycle; its outcome is written here).
        await _studio.Db.WriteAsync(async db =>
        {
            var p = await db.Purchases.SingleAsync(x => x.Id == purchase.Id);
            (p.CancelsOn, p.CancelledAtUtc, p.CancelledBy, p.CancelReason) = (new DateOnly(2026, 12, 14), _studio.Clock.Now.UtcDateTime, "Test", "Moving away");
            await db.SaveChangesAsync();
        });
        _studio.MoveTo(2026, 11, 20);
        await _studio.MembershipPassAsync();
        Assert.Equal(2, (await _studio.PeriodsAsync(purchase.Id)).Count);
        Assert.Equal(PurchaseStatus.Active, (await _studio.PurchaseAsync(purchase.Id)).Status);

        _studio.MoveTo(2026, 12, 15);
        await _studio.MembershipPassAsync();

        Assert.Equal(2, (await _studio.PeriodsAsync(purchase.Id)).Count);
        Assert.Equal(PurchaseStatus.Cancelled, (await _studio.PurchaseAsync(purchase.Id)).Status);
        Assert.Equal(2, (await _studio.RowsAsync(purchase.Id, LedgerKind.Expired)).Count);
        await _studio.AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task Every_period_the_job_makes_or_changes_is_published_on_the_balance_feed()
    {
        var purchase = await _studio.SellAsync(_monthly, _maya);
        var heard = new System.Collections.Concurrent.ConcurrentBag<CorePortal.Features.Live.BalanceChanged>();
        var twoHeard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _studio.Feed.Subscribe(CorePortal.Features.Live.BalanceTopic.Purchase(purchase.Id), change =>
        {
            heard.Add(change);
            if (heard.Count >= 2) twoHeard.TrySetResult();
            return Task.CompletedTask;
        });
        _studio.MoveTo(2026, 11, 15);

        await _studio.MembershipPassAsync();

        var periods = await _studio.PeriodsAsync(purchase.Id);
        // Delivery is handed off per subscriber: wait for it rather than sleep.
        await twoHeard.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(new[] { (periods[0].Id, 0), (periods[2].Id, 8) }, heard.Select(c => (c.PeriodId, c.Remaining ?? -1)).OrderBy(c => c.Item1));
    }

    [Fact]
    public async Task The_purchase_card_says_it_renews_the_day_after_the_current_period_until_a_cancellation_is_asked()
    {
        var purchase = await _studio.SellAsync(_monthly, _maya);
        var reader = new CorePortal.Features.Credits.CreditReadService(_studio.Db, _studio.Clock);

        Assert.Equal(new DateOnly(2026, 11, 15), (await reader.PurchaseAsync(TestUsers.Staff, purchase.Id)).Value!.RenewsOn);
        var fixedTerm = await _studio.SellAsync(await _studio.MembershipAsync("Three Months", 4, periods: 3), _maya);
        Assert.Null((await reader.PurchaseAsync(TestUsers.Staff, fixedTerm.Id)).Value!.RenewsOn);
        await _studio.Db.WriteAsync(async db =>
        {
            var p = await db.Purchases.SingleAsync(x => x.Id == purchase.Id);
            (p.CancelsOn, p.CancelledAtUtc) = (new DateOnly(2026, 11, 14), _studio.Clock.Now.UtcDateTime);
            await db.SaveChangesAsync();
        });
        Assert.Null((await reader.PurchaseAsync(TestUsers.Staff, purchase.Id)).Value!.RenewsOn);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    public void Dispose() => _studio.Dispose();
}
