using CorePortal.Data;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Sharing;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Sharing;

/// <summary>
/// The owner's control of a shared pool: caps per period and over the purchase, pauses, and notices of bookings, enforced by
/// the booking debit (on each engine: the PostgreSQL pass runs this class again there).
/// </summary>
public sealed class ShareLimitsTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new();
    private Client _owner = null!;
    private Client _leo = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _world.WithLocationAsync();
        _owner = await _world.ClientAsync("Maya", "Chen", email: "maya@example.com");
        _leo = await _world.ClientAsync("Leo", "Chen");
    }

    [Fact]
    public async Task A_cap_per_period_refuses_the_booking_past_it_and_allows_the_next_period()
    {
        var plan = await SharedAsync(await _world.SellAsync(_owner, "Family 20 plan", credits: 20, kind: CatalogKind.Membership, periodCount: 3, sharing: true));
        await LimitAsync(plan, new ShareLimits(CapPerPeriod: 2, CapTotal: null, Paused: false));
        var sessions = await StudioBuilder.InTurnAsync([1, 2, 3], d => _world.SessionAsync($"HIIT {d}", dayOffset: d));
        var nextMonth = await _world.SessionAsync("HIIT next month", dayOffset: 25);

        Assert.True((await BookAsync(sessions[0], plan)).Succeeded);
        Assert.True((await BookAsync(sessions[1], plan)).Succeeded);
        var refused = await BookAsync(sessions[2], plan);
        var later = await BookAsync(nextMonth, plan);

        Assert.Equal(Outcome.Conflict, refused.Outcome);
        Assert.Equal("Leo has used 2 of 2 credits allowed this month on Family 20 plan.", refused.Message);
        Assert.True(later.Succeeded, later.Message);
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task A_cap_over_the_purchase_refuses_past_it_and_a_cancellation_gives_the_use_back()
    {
        var pack = await SharedAsync(await _world.SellAsync(_owner, "Family 20 pack", credits: 20, sharing: true));
        await LimitAsync(pack, new ShareLimits(CapPerPeriod: null, CapTotal: 2, Paused: false));
        var sessions = await StudioBuilder.InTurnAsync([1, 2, 3], d => _world.SessionAsync($"Yoga {d}", dayOffset: d));

        var first = await BookAsync(sessions[0], pack);
        Assert.True((await BookAsync(sessions[1], pack)).Succeeded);
        var refused = await BookAsync(sessions[2], pack);
        Assert.Equal("Leo has used 2 of 2 credits allowed on Family 20 pack.", refused.Message);

        Assert.True((await _world.Bookings.CancelAsync(TestUsers.Staff, first.Value!.BookingId, ct: Ct)).Succeeded);
        Assert.True((await BookAsync(sessions[2], pack)).Succeeded);
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task A_paused_client_is_refused_and_not_offered_the_pool_but_still_sees_it_and_unpausing_allows_booking()
    {
        var pack = await SharedAsync(await _world.SellAsync(_owner, "Family 20 pack", credits: 20, sharing: true));
        var session = await _world.SessionAsync("Spin");
        await LimitAsync(pack, new ShareLimits(null, null, Paused: true));

        var refused = await BookAsync(session, pack);
        var offered = (await _world.Bookings.CreditSourcesAsync(TestUsers.Staff, _leo.Id, session.Id, Ct)).Value!;
        var seen = (await _world.Queries.SharedWithClientAsync(TestUsers.Staff, _leo.Id, Ct)).Value!;

        Assert.Equal("Leo is paused on Family 20 pack.", refused.Message);
        Assert.Empty(offered);
        Assert.Equal(20, Assert.Single(seen).Remaining);
        await LimitAsync(pack, new ShareLimits(null, null, Paused: false));
        Assert.True((await BookAsync(session, pack)).Succeeded);
    }

    [Fact]
    public async Task The_owner_is_never_capped_by_a_cap_on_their_authorized_client()
    {
        var pack = await SharedAsync(await _world.SellAsync(_owner, "Family 20 pack", credits: 20, sharing: true));
        await LimitAsync(pack, new ShareLimits(CapPerPeriod: 1, CapTotal: 1, Paused: true));
        var sessions = await StudioBuilder.InTurnAsync([1, 2, 3], d => _world.SessionAsync($"Barre {d}", dayOffset: d));

        foreach (var session in sessions)
            Assert.True((await _world.Bookings.BookAsync(TestUsers.Staff, session.Id, _owner.Id, pack.Id, null, Ct)).Succeeded);
    }

    [Fact]
    public async Task A_capped_buddy_booking_ten_sessions_at_once_on_a_twenty_credit_pool_gets_exactly_their_cap()
    {
        var pack = await SharedAsync(await _world.SellAsync(_owner, "Family 20 pack", credits: 20, sharing: true));
        await LimitAsync(pack, new ShareLimits(CapPerPeriod: null, CapTotal: 4, Paused: false));
        var sessions = await StudioBuilder.InTurnAsync(Enumerable.Range(1, 10), d => _world.SessionAsync($"HIIT {d}", dayOffset: d));

        var results = await AllAtOnce.RunAsync(sessions.Select(s =>
            (Func<Task<ServiceResult<BookingReceipt>>>)(() => _world.Bookings.BookAsync(TestUsers.Staff, s.Id, _leo.Id, pack.Id, null))));

        Assert.Equal(4, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal("Leo has used 4 of 4 credits allowed on Family 20 pack.", r.Message));
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(16, (await db.CreditPeriods.SingleAsync(p => p.PurchaseId == pack.Id, Ct)).Remaining);
        Assert.Equal(4, await db.Bookings.CountAsync(b => b.PurchaseId == pack.Id && b.UsesCredit, Ct));
        Assert.Equal(4, await db.Sessions.SumAsync(s => s.BookedCount, Ct));
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task A_capped_source_is_offered_with_what_is_left_of_the_cap()
    {
        var plan = await SharedAsync(await _world.SellAsync(_owner, "Family 20 plan", credits: 20, kind: CatalogKind.Membership, periodCount: 3, sharing: true));
        await LimitAsync(plan, new ShareLimits(CapPerPeriod: 4, CapTotal: 10, Paused: false));
        var sessions = await StudioBuilder.InTurnAsync([1, 2, 3], d => _world.SessionAsync($"Pilates {d}", dayOffset: d));
        await BookAsync(sessions[0], plan);
        await BookAsync(sessions[1], plan);

        var source = Assert.Single((await _world.Bookings.CreditSourcesAsync(TestUsers.Staff, _leo.Id, sessions[2].Id, Ct)).Value!);
        var own = await _world.SellAsync(_leo, "Leo's pack", credits: 5);
        var mine = (await _world.Bookings.CreditSourcesAsync(TestUsers.Staff, _leo.Id, sessions[2].Id, Ct)).Value!.Single(s => s.PurchaseId == own.Id);

        Assert.Equal("2 of 4 left for Leo this month", source.LimitText);
        Assert.Contains(" · 2 of 4 left for Leo this month · ", source.Label, StringComparison.Ordinal);
        Assert.Null(mine.LimitText);
        var panel = (await _world.Queries.PurchaseAsync(TestUsers.Staff, plan.Id, Ct)).Value!;
        Assert.Equal("2 of 4 this month · 2 of 10 in all", Assert.Single(panel.Users).Use!.UseText);
    }

    [Fact]
    public async Task The_owner_is_notified_in_the_feed_and_by_email_when_an_authorized_client_who_asks_for_it_books()
    {
        var pack = await SharedAsync(await _world.SellAsync(_owner, "Family 20 pack", credits: 20, sharing: true));
        var first = await _world.SessionAsync("Yoga", dayOffset: 1);
        var second = await _world.SessionAsync("Yoga", dayOffset: 2);
        int Notices(CoreDbContext db) => db.Notifications.Count(n => n.ClientId == _owner.Id && n.Text.StartsWith("Leo Chen booked"));

        Assert.True((await BookAsync(first, pack)).Succeeded); // not asked: nothing
        await using (var db = _world.Db.CreateDbContext()) Assert.Equal(0, Notices(db));
        await LimitAsync(pack, new ShareLimits(null, CapTotal: 5, Paused: false, NotifyOwner: true));
        Assert.True((await BookAsync(second, pack)).Succeeded);

        await using var after = _world.Db.CreateDbContext();
        var notice = await after.Notifications.SingleAsync(n => n.ClientId == _owner.Id && n.Text.StartsWith("Leo Chen booked"), Ct);
        Assert.Equal($"Leo Chen booked {SessionLabel.Of("Yoga", second.StartsAt)} with your Family 20 pack (3 of 5 left for Leo in all).", notice.Text);
        var mail = await after.Outbox.SingleAsync(m => m.ClientId == _owner.Id && m.Subject == "Leo Chen booked with your Family 20 pack", Ct);
        Assert.Equal(("maya@example.com", OutboxChannel.Email), (mail.Recipient, mail.Channel));
    }

    [Fact]
    public async Task Setting_limits_writes_a_history_row_and_bad_caps_are_refused_by_field_and_change_nothing()
    {
        var pack = await SharedAsync(await _world.SellAsync(_owner, "Family 20 pack", credits: 20, sharing: true));
        var shareId = await ShareIdAsync(pack);

        var bad = await _world.ShareLimits.SetLimitsAsync(TestUsers.Staff, shareId, new ShareLimits(0, 1000, true), Ct);
        Assert.Equal(Outcome.Invalid, bad.Outcome);
        Assert.Equal([ShareLimitsService.CapPerPeriodField, ShareLimitsService.CapTotalField], bad.Errors.Keys.Order());
        await using (var db = _world.Db.CreateDbContext())
            Assert.False((await db.PurchaseShares.SingleAsync(s => s.Id == shareId, Ct)).Paused);

        await LimitAsync(pack, new ShareLimits(4, null, Paused: true, NotifyOwner: true));
        await using var after = _world.Db.CreateDbContext();
        var share = await after.PurchaseShares.SingleAsync(s => s.Id == shareId, Ct);
        Assert.Equal((4, (int?)null, true, true), (share.CapPerPeriod, share.CapTotal, share.Paused, share.NotifyOwnerOnBooking));
        Assert.Contains(await after.PurchaseHistory.Where(h => h.PurchaseId == pack.Id).Select(h => h.Text).ToListAsync(Ct),
            t => t == "Limits for Leo Chen: cap per period 4 (was none); paused; the owner is told of each booking.");
    }

    [Fact]
    public async Task Only_the_owner_or_the_desk_sets_limits()
    {
        var pack = await SharedAsync(await _world.SellAsync(_owner, "Family 20 pack", credits: 20, sharing: true));
        var shareId = await ShareIdAsync(pack);
        var limits = _world.ShareLimits;

        Assert.Equal(Outcome.Forbidden, (await limits.SetLimitsAsync(TestUsers.Member(_leo), shareId, new ShareLimits(1, null, false), Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await limits.SetLimitsAsync(TestUsers.Trainer, shareId, new ShareLimits(1, null, false), Ct)).Outcome);
        Assert.True((await limits.SetLimitsAsync(TestUsers.Member(_owner), shareId, new ShareLimits(1, null, false), Ct)).Succeeded);
        Assert.Equal(Outcome.NotFound, (await limits.SetLimitsAsync(TestUsers.Staff, shareId + 100, new ShareLimits(1, null, false), Ct)).Outcome);
    }

    private async Task<Purchase> SharedAsync(Purchase purchase)
    {
        await _world.ShareAsync(purchase, _leo);
        return purchase;
    }

    private async Task<int> ShareIdAsync(Purchase purchase)
    {
        await using var db = _world.Db.CreateDbContext();
        return await db.PurchaseShares.Where(s => s.PurchaseId == purchase.Id && s.ClientId == _leo.Id).Select(s => s.Id).SingleAsync(Ct);
    }

    private async Task LimitAsync(Purchase purchase, ShareLimits limits)
    {
        var result = await _world.ShareLimits.SetLimitsAsync(TestUsers.Staff, await ShareIdAsync(purchase), limits, Ct);
        Assert.True(result.Succeeded, result.Message);
    }

    private Task<ServiceResult<BookingReceipt>> BookAsync(Session session, Purchase purchase) =>
        _world.Bookings.BookAsync(TestUsers.Staff, session.Id, _leo.Id, purchase.Id, null, Ct);

    private async Task AssertLedgerAgreesAsync()
    {
        await using var db = _world.Db.CreateDbContext();
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db, Ct));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db, Ct));
    }

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
