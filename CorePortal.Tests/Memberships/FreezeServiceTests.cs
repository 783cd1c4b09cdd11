using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Memberships;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Memberships;

/// <summary>
/// Freezes of one purchase through <see cref="FreezeService"/>, on the test engine: a monthly membership of 8 credits renewing on
/// the 1st, sold on 1 January 2027; today is 5 January 2027.
/// </summary>
public sealed class FreezeServiceTests : IAsyncLifetime, IDisposable
{
    private static readonly DateOnly Jan1 = new(2027, 1, 1);
    private readonly StudioBuilder _studio = new(FixedClock.At(2027, 1, 5));
    private Client _maya = null!;
    private int _monthlyItem;
    private Purchase _monthly = null!;

    public async ValueTask InitializeAsync()
    {
        await _studio.WithLocationAsync();
        _maya = await _studio.ClientAsync("Maya", "Chen");
        _monthlyItem = await _studio.MembershipAsync("Monthly 8", 8, PeriodUnit.Month, 3);
        await _studio.FreezeRulesAsync(_monthlyItem, mode: FreezeMode.Prorate);
        _monthly = await _studio.SellAsync(_monthlyItem, _maya, Jan1);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose() => _studio.Dispose();

    private static FreezeInput Input(DateOnly start, DateOnly? end, FreezeMode? mode = null, string? overrideNote = null, IReadOnlyList<BookingDecision>? bookings = null) =>
        new(start, end, mode, "Travelling", overrideNote, bookings);

    private async Task<List<CreditPeriod>> PeriodsAsync()
    {
        await using var db = await _studio.Db.CreateDbContextAsync();
        return await db.CreditPeriods.AsNoTracking().Where(p => p.PurchaseId == _monthly.Id).OrderBy(p => p.Sequence).ToListAsync();
    }

    private async Task<List<CreditLedgerEntry>> RowsAsync(LedgerKind kind)
    {
        await using var db = await _studio.Db.CreateDbContextAsync();
        return await db.Ledger.AsNoTracking().Where(l => l.PurchaseId == _monthly.Id && l.Kind == kind).OrderBy(l => l.Id).ToListAsync();
    }

    private async Task AssertLedgerAgreesAsync()
    {
        await using var db = await _studio.Db.CreateDbContextAsync();
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db));
    }

    private static T Ok<T>(ServiceResult<T> result)
    {
        Assert.True(result.Succeeded, result.Message);
        return result.Value!;
    }

    private static void AssertSamePeriods(FreezePlan plan, List<CreditPeriod> stored)
    {
        foreach (var change in plan.Periods)
        {
            var p = stored.Single(x => x.Id == change.PeriodId);
            Assert.Equal((change.StartsOnAfter, change.EndsOnAfter, change.MaxAfter, change.Used), (p.StartsOn, p.EndsOn, p.MaxCredits, p.UsedCredits));
        }
    }

    [Fact]
    public async Task Prorate_20_January_to_10_February_keeps_5_credits_in_each_month_and_the_preview_is_what_is_written()
    {
        var preview = Ok(await _studio.Freezes.PreviewAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 20), new(2027, 2, 10))));
        Assert.Empty(await RowsAsync(LedgerKind.Frozen));

        var saved = Ok(await _studio.Freezes.FreezeAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 20), new(2027, 2, 10))));

        Assert.Equal(FreezeMode.Prorate, saved.Mode); // the item's default
        Assert.Equal(preview.Periods, saved.Periods);
        var periods = await PeriodsAsync();
        Assert.Equal([5, 5, 8], periods.Select(p => p.MaxCredits!.Value));
        AssertSamePeriods(saved, periods);
        var rows = await RowsAsync(LedgerKind.Frozen);
        Assert.Equal([-3, -3], rows.Select(r => r.Amount));
        Assert.Contains("prorated: 19 of 31 days active", rows[0].Note);
        Assert.Contains("prorated: 18 of 28 days active", rows[1].Note);
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task Extend_20_January_to_10_February_ends_January_on_22_February_and_moves_later_periods_by_22_days()
    {
        var saved = Ok(await _studio.Freezes.FreezeAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 20), new(2027, 2, 10), FreezeMode.Extend)));

        var periods = await PeriodsAsync();
        await using (var db = await _studio.Db.CreateDbContextAsync())
        {
            var freeze = await db.Freezes.SingleAsync();
            Assert.Equal((saved.FreezeId!.Value, new DateOnly(2027, 2, 10), "Travelling", "Sam Staff"), (freeze.Id, freeze.PlannedEndsOn!.Value, freeze.Note!, freeze.Actor));
        }
        Assert.Equal([(Jan1, new DateOnly(2027, 2, 22)), (new(2027, 2, 23), new(2027, 3, 22)), (new(2027, 3, 23), new(2027, 4, 22))],
            periods.Select(p => (p.StartsOn, p.EndsOn)));
        Assert.All(periods, p => Assert.Equal(8, p.MaxCredits));
        AssertSamePeriods(saved, periods);
        Assert.Equal(new DateOnly(2027, 4, 22), (await _studio.PurchaseAsync(_monthly.Id)).EndsOn);
        Assert.Equal(3, (await RowsAsync(LedgerKind.Frozen)).Count(r => r.Amount == 0 && r.EndsOnAfter is not null));
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task Staff_cannot_freeze_an_item_that_allows_no_freezes_and_a_manager_can_with_an_override_note()
    {
        await _studio.FreezeRulesAsync(_monthlyItem, allow: false);
        var input = Input(new(2027, 1, 20), new(2027, 1, 25), FreezeMode.Extend);

        var staff = await _studio.Freezes.FreezeAsync(TestUsers.Staff, _monthly.Id, input);
        var preview = Ok(await _studio.Freezes.PreviewAsync(TestUsers.Manager, _monthly.Id, input));
        var withoutNote = await _studio.Freezes.FreezeAsync(TestUsers.Manager, _monthly.Id, input);
        var withNote = await _studio.Freezes.FreezeAsync(TestUsers.Manager, _monthly.Id, input with { OverrideNote = "Medical leave, approved by the owner" });

        Assert.Equal(Outcome.Invalid, staff.Outcome);
        Assert.Contains("does not allow freezes", staff.Message);
        Assert.Contains(preview.RuleBreaches, b => b.Contains("does not allow freezes", StringComparison.Ordinal));
        Assert.NotNull(withoutNote.ErrorFor(FreezeRules.OverrideNoteField));
        Ok(withNote);
        await using var db = await _studio.Db.CreateDbContextAsync();
        var freeze = await db.Freezes.SingleAsync();
        Assert.Equal("Medical leave, approved by the owner", freeze.OverrideNote);
        Assert.Equal("Mia Manager", freeze.Actor);
    }

    [Fact]
    public async Task Minimum_maximum_and_per_year_rules_refuse_staff_and_are_listed_for_a_manager()
    {
        await _studio.FreezeRulesAsync(_monthlyItem, minDays: 7, maxDays: 14, maxDaysPerYear: 20);

        var tooShort = await _studio.Freezes.PreviewAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 10), new(2027, 1, 12)));
        var tooLong = await _studio.Freezes.PreviewAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 10), new(2027, 1, 31)));
        Ok(await _studio.Freezes.FreezeAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 10), new(2027, 1, 23))));
        var overTheYear = await _studio.Freezes.PreviewAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 3, 1), new(2027, 3, 10)));
        var manager = Ok(await _studio.Freezes.PreviewAsync(TestUsers.Manager, _monthly.Id, Input(new(2027, 2, 1), new(2027, 2, 28))));

        Assert.Contains("at least 7 days", tooShort.ErrorFor("endsOn"));
        Assert.Contains("at most 14 days", tooLong.ErrorFor("endsOn"));
        Assert.Contains("at most 20 days in any 12 months; with this freeze it would be 24", overTheYear.ErrorFor("endsOn"));
        Assert.Equal(2, manager.RuleBreaches.Count); // 28 days: over 14, and 42 in 12 months
    }

    [Fact]
    public async Task Date_rules_bind_managers_too()
    {
        Ok(await _studio.Freezes.FreezeAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 10), new(2027, 1, 15))));

        var past = await _studio.Freezes.PreviewAsync(TestUsers.Manager, _monthly.Id, Input(new(2027, 1, 4), new(2027, 1, 6), overrideNote: "x"));
        var backwards = await _studio.Freezes.PreviewAsync(TestUsers.Manager, _monthly.Id, Input(new(2027, 1, 20), new(2027, 1, 19), overrideNote: "x"));
        var overlap = await _studio.Freezes.PreviewAsync(TestUsers.Manager, _monthly.Id, Input(new(2027, 1, 15), new(2027, 1, 20), overrideNote: "x"));
        var afterTheEnd = await _studio.Freezes.PreviewAsync(TestUsers.Manager, _monthly.Id, Input(new(2027, 6, 1), new(2027, 6, 20), overrideNote: "x"));
        var packageProrate = await _studio.Freezes.PreviewAsync(TestUsers.Manager,
            (await _studio.SellAsync(await _studio.PackageAsync("10-Class Pack", 10), _maya)).Id, Input(new(2027, 1, 10), new(2027, 1, 15), FreezeMode.Prorate));

        Assert.Equal("A freeze starts today or later.", past.ErrorFor("startsOn"));
        Assert.NotNull(backwards.ErrorFor("endsOn"));
        Assert.Contains("overlap the freeze from 10 Jan 2027", overlap.ErrorFor("startsOn"));
        Assert.Contains("within the purchase's validity", afterTheEnd.ErrorFor("startsOn"));
        Assert.Contains("always extends", packageProrate.ErrorFor(FreezeService.ModeField));
    }

    [Fact]
    public async Task A_booking_is_refused_on_a_frozen_day_and_allowed_after_it()
    {
        Ok(await _studio.Freezes.FreezeAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 10), new(2027, 1, 15), FreezeMode.Extend)));

        var frozenDay = await _studio.Bookings.BookAsync(TestUsers.Staff, (await _studio.SessionAsync("Yoga", 7)).Id, _maya.Id, _monthly.Id, null);
        var after = await _studio.Bookings.BookAsync(TestUsers.Staff, (await _studio.SessionAsync("Yoga", 11)).Id, _maya.Id, _monthly.Id, null);

        Assert.Contains("is frozen on 12 Jan 2027", frozenDay.Message);
        Assert.True(after.Succeeded, after.Message);
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task A_booking_on_a_frozen_day_cannot_be_kept_and_is_cancelled_with_its_credit_refunded_before_proration()
    {
        var booking = Ok(await _studio.Bookings.BookAsync(TestUsers.Staff, (await _studio.SessionAsync("Yoga", 20)).Id, _maya.Id, _monthly.Id, null));
        await _studio.UseAsync(_monthly.Periods[0], 5); // 6 of 8 used in January: 5 would be kept by the days, 6 - 1 refunded = 5

        var preview = Ok(await _studio.Freezes.PreviewAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 20), new(2027, 2, 10))));
        var keep = await _studio.Freezes.FreezeAsync(TestUsers.Staff, _monthly.Id,
            Input(new(2027, 1, 20), new(2027, 2, 10), bookings: [new BookingDecision(booking.BookingId, BookingChoice.Keep)]));
        var saved = Ok(await _studio.Freezes.FreezeAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 20), new(2027, 2, 10))));

        var affected = Assert.Single(preview.Bookings);
        Assert.False(affected.CanKeep);
        Assert.Equal(BookingChoice.Cancel, Assert.Single(saved.Decisions).Choice);
        Assert.Contains("cannot be kept", keep.ErrorFor(AffectedBookings.Field));
        var january = (await PeriodsAsync())[0];
        Assert.Equal((5, 5), (january.UsedCredits, january.MaxCredits!.Value));
        await using var db = await _studio.Db.CreateDbContextAsync();
        Assert.Equal(BookingStatus.Cancelled, (await db.Bookings.SingleAsync(b => b.Id == booking.BookingId)).Status);
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task Ending_an_extend_freeze_early_moves_the_dates_back_by_the_days_no_longer_frozen()
    {
        var frozen = Ok(await _studio.Freezes.FreezeAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 10), new(2027, 1, 19), FreezeMode.Extend)));
        _studio.Clock.Now = _studio.Clock.Now.AddDays(8); // 13 January

        var preview = Ok(await _studio.Freezes.PreviewEndAsync(TestUsers.Staff, _monthly.Id, frozen.FreezeId!.Value, new()));
        var ended = Ok(await _studio.Freezes.EndAsync(TestUsers.Staff, _monthly.Id, frozen.FreezeId!.Value, new()));

        Assert.Equal(preview.Periods, ended.Periods);
        Assert.Equal(new DateOnly(2027, 1, 12), ended.EndsOn); // yesterday: 3 days frozen
        var periods = await PeriodsAsync();
        Assert.Equal([(Jan1, new DateOnly(2027, 2, 3)), (new(2027, 2, 4), new(2027, 3, 3)), (new(2027, 3, 4), new(2027, 4, 3))],
            periods.Select(p => (p.StartsOn, p.EndsOn)));
        await using var db = await _studio.Db.CreateDbContextAsync();
        var freeze = await db.Freezes.SingleAsync();
        Assert.Equal((new DateOnly(2027, 1, 12), new DateOnly(2027, 1, 19)), (freeze.EndsOn!.Value, freeze.PlannedEndsOn!.Value));
        Assert.Equal(3, (await RowsAsync(LedgerKind.Unfrozen)).Count);
        Assert.True((await _studio.Bookings.BookAsync(TestUsers.Staff, (await _studio.SessionAsync("Yoga", 2)).Id, _maya.Id, _monthly.Id, null)).Succeeded);
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task Ending_a_prorate_freeze_early_gives_back_the_credits_of_the_days_now_active()
    {
        var frozen = Ok(await _studio.Freezes.FreezeAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 20), new(2027, 2, 10))));
        _studio.Clock.Now = _studio.Clock.Now.AddDays(20); // 25 January: the last frozen day becomes 24 January

        var ended = Ok(await _studio.Freezes.EndAsync(TestUsers.Staff, _monthly.Id, frozen.FreezeId!.Value, new()));

        // January: 26 of 31 days active, 8 × 26 / 31 = 6.71 → 7 (2 back); February wholly active again (3 back).
        Assert.Equal([7, 8, 8], (await PeriodsAsync()).Select(p => p.MaxCredits!.Value));
        Assert.Equal([2, 3], (await RowsAsync(LedgerKind.Unfrozen)).Select(r => r.Amount));
        AssertSamePeriods(ended, await PeriodsAsync());
        var again = await _studio.Freezes.EndAsync(TestUsers.Staff, _monthly.Id, frozen.FreezeId!.Value, new());
        Assert.Equal(Outcome.Conflict, again.Outcome);
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task An_open_ended_freeze_moves_nothing_until_it_ends_then_moves_by_the_real_frozen_days()
    {
        var frozen = Ok(await _studio.Freezes.FreezeAsync(TestUsers.Staff, _monthly.Id, Input(new(2027, 1, 10), null)));
        var before = await PeriodsAsync();
        var laterDay = await _studio.Bookings.BookAsync(TestUsers.Staff, (await _studio.SessionAsync("Yoga", 60)).Id, _maya.Id, _monthly.Id, null);
        _studio.Clock.Now = _studio.Clock.Now.AddDays(10); // 15 January

        Ok(await _studio.Freezes.EndAsync(TestUsers.Staff, _monthly.Id, frozen.FreezeId!.Value, new()));

        Assert.Equal(FreezeMode.Extend, frozen.Mode);
        Assert.Empty(frozen.Periods);
        Assert.Equal([Jan1, new(2027, 2, 1), new(2027, 3, 1)], before.Select(p => p.StartsOn));
        Assert.Contains("is frozen on", laterDay.Message);
        Assert.Equal([(Jan1, new DateOnly(2027, 2, 5)), (new(2027, 2, 6), new(2027, 3, 5)), (new(2027, 3, 6), new(2027, 4, 5))],
            (await PeriodsAsync()).Select(p => (p.StartsOn, p.EndsOn)));
        await AssertLedgerAgreesAsync();
    }
}
