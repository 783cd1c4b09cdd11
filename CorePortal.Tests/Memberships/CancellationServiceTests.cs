using System.Text.Json;
using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Memberships;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Memberships;

/// <summary>
/// Cancellation on a studio dated Monday 23 November 2026. Hand-worked figures:
/// - the 10-class pack, sold 13 Nov (valid to 10 Feb), 3 credits used on 21 Nov and one booked tomorrow (Used 4);
/// - the "Monthly 8" membership, sold 1 Nov for three months (1–30 Nov, 1–31 Dec, 1–31 Jan, 8 credits each), 2 credits used
///   on 21 Nov, one booked on Wednesday 25 Nov (period 1: Used 3) and one on Thursday 3 Dec (period 2: Used 1).
/// </summary>
public sealed class CancellationServiceTests : IAsyncLifetime, IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private readonly TestDatabase _db = new();
    private readonly FixedClock _clock = FixedClock.At(2026, 11, 23);
    private readonly StudioBuilder _studio;
    private Client _maya = null!;
    private Purchase _pack = null!;
    private Purchase _monthly = null!;
    private Session _tomorrow = null!;
    private int _packBooking;
    private int _novemberBooking;
    private int _decemberBooking;

    public CancellationServiceTests() => _studio = new StudioBuilder(_db, _clock);

    private CancellationService Service => _studio.Cancellations;

    public async ValueTask InitializeAsync()
    {
        await _studio.WithLocationAsync();
        _maya = await _studio.ClientAsync("Maya", "Chen");
        _pack = await _studio.SellAsync(await _studio.PackageAsync("10-Class Pack", 10), _maya, Today.AddDays(-10));
        _monthly = await _studio.SellAsync(await _studio.MembershipAsync("Monthly 8", 8, sharingLimit: 3), _maya, new DateOnly(2026, 11, 1));
        await _studio.OnDayAsync(Today.AddDays(-2), () => _studio.UseAsync(_pack.Periods[0], 3));
        await _studio.OnDayAsync(Today.AddDays(-2), () => _studio.UseAsync(_monthly.Periods[0], 2));
        _tomorrow = await _studio.SessionAsync("Yoga Flow", 1);
        _packBooking = (await _studio.BookAsync(_tomorrow, _maya, _pack)).BookingId;
        _novemberBooking = (await _studio.BookAsync(await _studio.SessionAsync("Pilates", 2), _maya, _monthly)).BookingId;
        _decemberBooking = (await _studio.BookAsync(await _studio.SessionAsync("Spin", 10), _maya, _monthly)).BookingId;
    }

    [Fact]
    public async Task A_package_cancelled_now_forfeits_what_is_left_after_the_refund_and_ends_yesterday()
    {
        var saved = await Service.CancelAsync(TestUsers.Staff, _pack.Id, new CancellationRequest(null, "Moving abroad", [new BookingDecision(_packBooking, BookingChoice.Cancel)]));

        Assert.True(saved.Succeeded, saved.Message);
        var change = Assert.Single(saved.Value!.Periods);
        Assert.Equal((CancelEffective.Now, Today.AddDays(-1), 4, 1, 10, 3, 7), (saved.Value.Effective, change.EndsOnAfter, change.UsedBefore, change.Refunded, change.MaxBefore!.Value, change.MaxAfter!.Value, change.Forfeited));
        var row = await LastRowAsync(_pack.Periods[0].Id);
        Assert.Equal((LedgerKind.Forfeited, -7, (int?)3, 3, (DateOnly?)new DateOnly(2026, 11, 13), (DateOnly?)new DateOnly(2026, 11, 22)),
            (row.Kind, row.Amount, row.MaxAfter, row.UsedAfter, row.StartsOnAfter, row.EndsOnAfter));
        var purchase = await PurchaseAsync(_pack.Id);
        Assert.Equal((PurchaseStatus.Cancelled, (DateOnly?)Today.AddDays(-1), "Sam Staff", "Moving abroad", new DateOnly(2026, 11, 22)),
            (purchase.Status, purchase.CancelsOn, purchase.CancelledBy, purchase.CancelReason, purchase.EndsOn));
        Assert.NotNull(purchase.CancelledAtUtc);
        Assert.Equal(BookingStatus.Cancelled, (await BookingAsync(_packBooking)).Status);
        await AssertLedgerCleanAsync();
    }

    [Fact]
    public async Task A_package_cannot_be_cancelled_at_the_end_of_a_period()
    {
        var result = await Service.PreviewAsync(TestUsers.Staff, _pack.Id, new CancellationRequest(CancelEffective.EndOfPeriod, "Moving"));

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.Contains("choose Now", result.ErrorFor(CancellationService.EffectiveField));
    }

    [Fact]
    public async Task A_membership_cancels_at_the_end_of_the_current_period_by_default_forfeiting_every_later_period()
    {
        var saved = await Service.CancelAsync(TestUsers.Staff, _monthly.Id, new CancellationRequest(null, "Too busy", [new BookingDecision(_decemberBooking, BookingChoice.Cancel)]));

        Assert.True(saved.Succeeded, saved.Message);
        var plan = saved.Value!;
        Assert.Equal((CancelEffective.EndOfPeriod, new DateOnly(2026, 11, 30), PurchaseStatus.Active, 16), (plan.Effective, plan.CancelsOn, plan.StatusAfter, plan.ForfeitedCredits));
        Assert.Equal([BookingChoice.Keep, BookingChoice.Cancel], plan.Decisions.Select(d => d.Choice));
        var periods = (await PurchaseAsync(_monthly.Id)).Periods.OrderBy(p => p.Sequence).ToList();
        // Period 1 is untouched and usable to its end (its booking kept); periods 2 and 3 end before they begin, with nothing left.
        Assert.Equal((8, 3, new DateOnly(2026, 11, 30)), (periods[0].MaxCredits!.Value, periods[0].UsedCredits, periods[0].EndsOn));
        Assert.Equal((0, 0, new DateOnly(2026, 11, 30)), (periods[1].MaxCredits!.Value, periods[1].UsedCredits, periods[1].EndsOn));
        Assert.Equal((0, 0, new DateOnly(2026, 11, 30)), (periods[2].MaxCredits!.Value, periods[2].UsedCredits, periods[2].EndsOn));
        Assert.Equal((-8, -8), ((await LastRowAsync(periods[1].Id)).Amount, (await LastRowAsync(periods[2].Id)).Amount));
        var purchase = await PurchaseAsync(_monthly.Id);
        Assert.Equal((PurchaseStatus.Active, (DateOnly?)new DateOnly(2026, 11, 30), new DateOnly(2026, 11, 30)), (purchase.Status, purchase.CancelsOn, purchase.EndsOn));
        Assert.Equal((BookingStatus.Booked, BookingStatus.Cancelled), ((await BookingAsync(_novemberBooking)).Status, (await BookingAsync(_decemberBooking)).Status));
        await AssertLedgerCleanAsync();
    }

    [Fact]
    public async Task A_membership_cancelled_now_forfeits_every_period_from_today()
    {
        var saved = await Service.CancelAsync(TestUsers.Manager, _monthly.Id, new CancellationRequest(CancelEffective.Now, "Injury"));

        Assert.True(saved.Succeeded, saved.Message);
        // Period 1: 8 - (3 used - 1 refunded) = 6; period 2: 8 (its one booking refunded); period 3: 8.
        Assert.Equal([6, 8, 8], saved.Value!.Periods.OrderBy(p => p.Sequence).Select(p => p.Forfeited));
        Assert.Equal(22, saved.Value.ForfeitedCredits);
        var periods = (await PurchaseAsync(_monthly.Id)).Periods.OrderBy(p => p.Sequence).ToList();
        Assert.Equal([2, 0, 0], periods.Select(p => p.MaxCredits!.Value));
        Assert.All(periods, p => Assert.Equal(Today.AddDays(-1), p.EndsOn));
        Assert.Equal(PurchaseStatus.Cancelled, (await PurchaseAsync(_monthly.Id)).Status);
        await AssertLedgerCleanAsync();
    }

    [Fact]
    public async Task An_unlimited_membership_cancelled_now_gets_forfeited_rows_of_zero_that_close_its_periods()
    {
        var unlimited = await _studio.SellAsync(await _studio.MembershipAsync("Unlimited", null, periods: 2), _maya, new DateOnly(2026, 11, 10));

        var saved = await Service.CancelAsync(TestUsers.Staff, unlimited.Id, new CancellationRequest(CancelEffective.Now, "Price"));

        Assert.True(saved.Succeeded, saved.Message);
        foreach (var period in unlimited.Periods)
        {
            var row = await LastRowAsync(period.Id);
            Assert.Equal((LedgerKind.Forfeited, 0, (int?)null, (DateOnly?)Today.AddDays(-1)), (row.Kind, row.Amount, row.MaxAfter, row.EndsOnAfter));
        }
        await AssertLedgerCleanAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("Bad\u200Breason")]
    public async Task A_reason_is_required_and_a_refused_cancellation_writes_nothing(string? reason)
    {
        var rows = await LedgerCountAsync();

        var result = await Service.CancelAsync(TestUsers.Staff, _monthly.Id, new CancellationRequest(CancelEffective.Now, reason));

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.NotNull(result.ErrorFor(CancellationService.ReasonField));
        Assert.Equal(rows, await LedgerCountAsync());
        Assert.Null((await PurchaseAsync(_monthly.Id)).CancelsOn);
    }

    [Fact]
    public async Task A_reason_longer_than_500_characters_is_refused()
    {
        var result = await Service.PreviewAsync(TestUsers.Staff, _monthly.Id, new CancellationRequest(CancelEffective.Now, new string('x', 501)));

        Assert.Contains("500", result.ErrorFor(CancellationService.ReasonField));
    }

    [Theory]
    [InlineData(CancelEffective.Now)]
    [InlineData(CancelEffective.EndOfPeriod)]
    public async Task A_purchase_already_cancelled_answers_409_and_changes_nothing(CancelEffective first)
    {
        Assert.True((await Service.CancelAsync(TestUsers.Staff, _monthly.Id, new CancellationRequest(first, "First"))).Succeeded);
        var rows = await LedgerCountAsync();

        var again = await Service.CancelAsync(TestUsers.Staff, _monthly.Id, new CancellationRequest(CancelEffective.Now, "Second"));

        Assert.Equal(Outcome.Conflict, again.Outcome);
        Assert.Contains("already cancelled", again.Message);
        Assert.Equal(rows, await LedgerCountAsync());
        Assert.Equal("First", (await PurchaseAsync(_monthly.Id)).CancelReason);
    }

    [Fact]
    public async Task Trainers_and_members_are_refused()
    {
        var request = new CancellationRequest(CancelEffective.Now, "Because");

        Assert.Equal(Outcome.Forbidden, (await Service.CancelAsync(TestUsers.Trainer, _pack.Id, request)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await Service.PreviewAsync(TestUsers.Trainer, _pack.Id, request)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await Service.CancelAsync(TestUsers.Member(_maya), _pack.Id, request)).Outcome);
        Assert.Equal(PurchaseStatus.Active, (await PurchaseAsync(_pack.Id)).Status);
    }

    [Fact]
    public async Task Keep_is_refused_for_a_booking_the_purchase_no_longer_covers()
    {
        var result = await Service.CancelAsync(TestUsers.Staff, _monthly.Id,
            new CancellationRequest(CancelEffective.EndOfPeriod, "Too busy", [new BookingDecision(_decemberBooking, BookingChoice.Keep)]));

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.Contains("cannot be kept", result.ErrorFor(AffectedBookings.Field));
        Assert.Equal(BookingStatus.Booked, (await BookingAsync(_decemberBooking)).Status);
        Assert.Null((await PurchaseAsync(_monthly.Id)).CancelsOn);
    }

    [Fact]
    public async Task Moving_a_booking_to_another_source_takes_its_credit_there_and_refunds_this_purchase_before_the_forfeit()
    {
        var spare = await _studio.SellAsync(await _studio.PackageAsync("5-Class Pack", 5), _maya, Today);

        var saved = await Service.CancelAsync(TestUsers.Staff, _monthly.Id,
            new CancellationRequest(CancelEffective.EndOfPeriod, "Switching to a pack", [new BookingDecision(_decemberBooking, BookingChoice.MoveToOtherSource, spare.Id)]));

        Assert.True(saved.Succeeded, saved.Message);
        var booking = await BookingAsync(_decemberBooking);
        Assert.Equal((BookingStatus.Booked, spare.Id, spare.Periods[0].Id), (booking.Status, booking.PurchaseId, booking.PeriodId));
        Assert.Equal(1, (await PurchaseAsync(spare.Id)).Periods[0].UsedCredits);
        var december = (await PurchaseAsync(_monthly.Id)).Periods.Single(p => p.Sequence == 2);
        Assert.Equal((0, 0), (december.UsedCredits, december.MaxCredits!.Value));
        Assert.Equal(-8, (await LastRowAsync(december.Id)).Amount);
        await AssertLedgerCleanAsync();
    }

    [Fact]
    public async Task The_shares_end_with_the_purchase_and_each_authorized_client_is_told_why()
    {
        var leo = await _studio.ClientAsync("Leo", "Park", email: "leo@example.com");
        var ana = await _studio.ClientAsync("Ana", "Ruiz", email: "ana@example.com");
        await _studio.ShareAsync(_monthly, leo);
        await _studio.ShareAsync(_monthly, ana, ShareStatus.Pending);

        var preview = await Service.PreviewAsync(TestUsers.Staff, _monthly.Id, new CancellationRequest(CancelEffective.Now, "Studio closing"));
        var saved = await Service.CancelAsync(TestUsers.Staff, _monthly.Id, new CancellationRequest(CancelEffective.Now, "Studio closing"));

        Assert.Equal(["Leo Park", "Ana Ruiz"], preview.Value!.Shares.Select(s => s.Client));
        Assert.True(saved.Succeeded, saved.Message);
        await using var db = _db.CreateDbContext();
        var shares = await db.PurchaseShares.AsNoTracking().Where(s => s.PurchaseId == _monthly.Id).ToListAsync();
        Assert.All(shares, s => Assert.Equal((ShareStatus.Removed, true), (s.Status, s.RemovedAtUtc is not null)));
        foreach (var client in new[] { leo, ana })
        {
            var notices = await db.Outbox.AsNoTracking().Where(m => m.ClientId == client.Id && m.Subject == "Monthly 8 was cancelled").ToListAsync();
            Assert.Equal([OutboxChannel.Email, OutboxChannel.Push], notices.Select(m => m.Channel).Order());
            Assert.All(notices, m => Assert.Contains("Reason: Studio closing", m.Body));
        }
    }

    [Fact]
    public async Task The_preview_is_exactly_what_the_save_writes()
    {
        var spare = await _studio.SellAsync(await _studio.PackageAsync("5-Class Pack", 5), _maya, Today);
        var request = new CancellationRequest(CancelEffective.Now, "Moving", [new BookingDecision(_novemberBooking, BookingChoice.MoveToOtherSource, spare.Id)]);

        var preview = await Service.PreviewAsync(TestUsers.Staff, _monthly.Id, request);
        var saved = await Service.CancelAsync(TestUsers.Staff, _monthly.Id, request);

        Assert.True(saved.Succeeded, saved.Message);
        Assert.Equal(JsonSerializer.Serialize(preview.Value), JsonSerializer.Serialize(saved.Value));
        foreach (var change in saved.Value!.Periods)
        {
            var row = await LastRowAsync(change.PeriodId);
            Assert.Equal((change.Kind, -change.Forfeited, change.MaxAfter, change.UsedAfter, (DateOnly?)change.EndsOnAfter),
                (row.Kind, row.Amount, row.MaxAfter, row.UsedAfter, row.EndsOnAfter));
        }
        await AssertLedgerCleanAsync();
    }

    [Fact]
    public async Task No_booking_is_taken_after_a_cancellation_now()
    {
        Assert.True((await Service.CancelAsync(TestUsers.Staff, _pack.Id, new CancellationRequest(CancelEffective.Now, "Moving"))).Succeeded);

        var booked = await _studio.Bookings.BookAsync(TestUsers.Staff, (await _studio.SessionAsync("Barre", 3)).Id, _maya.Id, _pack.Id, null);

        Assert.False(booked.Succeeded);
        await AssertLedgerCleanAsync();
    }

    [Fact]
    public async Task After_an_end_of_period_cancellation_the_current_period_still_books_and_the_next_does_not()
    {
        Assert.True((await Service.CancelAsync(TestUsers.Staff, _monthly.Id, new CancellationRequest(CancelEffective.EndOfPeriod, "Too busy"))).Succeeded);

        var november = await _studio.Bookings.BookAsync(TestUsers.Staff, (await _studio.SessionAsync("Barre", 3)).Id, _maya.Id, _monthly.Id, null);
        var december = await _studio.Bookings.BookAsync(TestUsers.Staff, (await _studio.SessionAsync("Boxing", 12)).Id, _maya.Id, _monthly.Id, null);

        Assert.True(november.Succeeded, november.Message);
        Assert.False(december.Succeeded);
        await AssertLedgerCleanAsync();
    }

    [Fact]
    public async Task The_profile_keeps_a_cancelled_purchase_among_the_expired_with_its_reason_and_shows_Cancels_on_until_the_period_ends()
    {
        var credits = new CreditReadService(_db, _clock);
        Assert.True((await Service.CancelAsync(TestUsers.Staff, _pack.Id, new CancellationRequest(CancelEffective.Now, "Moving"))).Succeeded);
        Assert.True((await Service.CancelAsync(TestUsers.Staff, _monthly.Id, new CancellationRequest(CancelEffective.EndOfPeriod, "Too busy"))).Succeeded);

        var cards = (await credits.PurchasesAsync(TestUsers.Staff, _maya.Id)).Value!;

        var pack = cards.Single(c => c.Id == _pack.Id);
        Assert.Equal((false, true, "Moving"), (pack.IsActive, pack.IsCancelled, pack.CancelReason));
        var monthly = cards.Single(c => c.Id == _monthly.Id);
        Assert.Equal((true, true, (DateOnly?)new DateOnly(2026, 11, 30)), (monthly.IsActive, monthly.IsCancelling, monthly.CancelsOn));
        _clock.Now = _clock.Now.AddDays(8); // 1 December: the last usable day has passed, whether or not the renewal job ran yet
        monthly = (await credits.PurchasesAsync(TestUsers.Staff, _maya.Id)).Value!.Single(c => c.Id == _monthly.Id);
        Assert.Equal((false, true, "Too busy"), (monthly.IsActive, monthly.IsCancelled, monthly.CancelReason));
    }

    private async Task AssertLedgerCleanAsync()
    {
        await using var db = _db.CreateDbContext();
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db));
    }

    private async Task<CreditLedgerEntry> LastRowAsync(int periodId)
    {
        await using var db = _db.CreateDbContext();
        return await db.Ledger.AsNoTracking().Where(l => l.PeriodId == periodId).OrderByDescending(l => l.Id).FirstAsync();
    }

    private async Task<int> LedgerCountAsync()
    {
        await using var db = _db.CreateDbContext();
        return await db.Ledger.CountAsync();
    }

    private async Task<Purchase> PurchaseAsync(int id)
    {
        await using var db = _db.CreateDbContext();
        return await db.Purchases.AsNoTracking().Include(p => p.Periods).SingleAsync(p => p.Id == id);
    }

    private async Task<Booking> BookingAsync(int id)
    {
        await using var db = _db.CreateDbContext();
        return await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == id);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose()
    {
        _studio.Dispose();
        _db.Dispose();
    }
}
