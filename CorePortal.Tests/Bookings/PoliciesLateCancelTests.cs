using CorePortal.Data;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Bookings;

/// <summary>
/// Late cancellation, no-show, grace and waivers: the window in the session's location's zone (in real hours, across a
/// summer-time change too), grace over a rolling window, the pool bearing a penalty, and each consequence a ledger row.
/// </summary>
public sealed class PoliciesLateCancelTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new(); // its clock: 10:00 UTC on Monday 2 March 2026
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task The_window_is_measured_in_the_sessions_location_zone()
    {
        await _world.StudioPolicyAsync(hours: 12);
        // 21:30 on the day: in London (UTC+0) 11½ hours away, in New York (UTC-5) 16½ hours away.
        await _world.WithLocationAsync("London", "Europe/London");
        var client = await _world.ClientAsync("Maya", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var london = await _world.SessionAsync("Evening Flow", dayOffset: 0, at: new TimeOnly(21, 30));
        await _world.WithLocationAsync("New York", "America/New_York");
        var newYork = await _world.SessionAsync("Evening Flow", dayOffset: 0, at: new TimeOnly(21, 30));
        var inLondon = (await _world.BookAsync(london, client, pack)).BookingId;
        var inNewYork = (await _world.BookAsync(newYork, client, pack)).BookingId;

        var londonShown = Value(await _world.Policies.ConsequenceAsync(TestUsers.Staff, inLondon, Ct));
        var newYorkShown = Value(await _world.Policies.ConsequenceAsync(TestUsers.Staff, inNewYork, Ct));
        Assert.True(londonShown.KeepsCredit);
        Assert.Equal("This cancellation is inside 12 hours: the credit will not be returned.", londonShown.Text);
        Assert.False(newYorkShown.Late);

        Assert.True((await _world.Bookings.CancelAsync(TestUsers.Staff, inLondon, ct: Ct)).Succeeded);
        Assert.True((await _world.Bookings.CancelAsync(TestUsers.Staff, inNewYork, ct: Ct)).Succeeded);
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        var kept = await db.Bookings.SingleAsync(b => b.Id == inLondon, Ct);
        Assert.True(kept is { CancelledLate: true, UsesCredit: true, Penalty: BookingPenalty.LateCancel });
        Assert.True(await db.Bookings.SingleAsync(b => b.Id == inNewYork, Ct) is { CancelledLate: false, UsesCredit: false, Penalty: BookingPenalty.None });
        Assert.Equal(1, (await db.CreditPeriods.SingleAsync(Ct)).UsedCredits);
        await AssertLedgerAgreesAsync(db);
    }

    [Fact]
    public async Task A_12_hour_window_over_the_March_change_is_12_real_hours()
    {
        await _world.StudioPolicyAsync(hours: 12);
        await _world.WithLocationAsync("New York", "America/New_York");
        var client = await _world.ClientAsync("Leo", "Park");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        // New York's clocks go from 02:00 to 03:00 on Sunday 8 March 2026: 08:00 that morning is 12:00 UTC.
        var sunday = await _world.SessionAsync("Sunday Flow", dayOffset: 6, at: new TimeOnly(8, 0));
        var booking = (await _world.BookAsync(sunday, client, pack)).BookingId;

        // 23:30 UTC is 18:30 in New York: 13½ hours on the wall clock, 12½ real hours. Not late.
        _world.Clock.Now = new DateTimeOffset(2026, 3, 7, 23, 30, 0, TimeSpan.Zero);
        Assert.False(Value(await _world.Policies.ConsequenceAsync(TestUsers.Staff, booking, Ct)).Late);
        // 00:30 UTC is 19:30 in New York: 12½ hours on the wall clock, but 11½ real hours. Late.
        _world.Clock.Now = new DateTimeOffset(2026, 3, 8, 0, 30, 0, TimeSpan.Zero);
        Assert.True(Value(await _world.Policies.ConsequenceAsync(TestUsers.Staff, booking, Ct)).KeepsCredit);
    }

    [Fact]
    public async Task Grace_covers_the_first_two_late_cancellations_in_30_days_the_third_costs_and_one_a_month_later_is_free_again()
    {
        await _world.StudioPolicyAsync(hours: 12, grace: 2);
        await _world.WithLocationAsync();
        var client = await _world.ClientAsync("Maya", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var bookings = new List<int>();
        foreach (var hour in new[] { 18, 19, 20 })
            bookings.Add((await _world.BookAsync(await _world.SessionAsync($"Flow {hour}", dayOffset: 0, at: new TimeOnly(hour, 0)), client, pack)).BookingId);
        var later = (await _world.BookAsync(await _world.SessionAsync("Flow next month", dayOffset: 32, at: new TimeOnly(18, 0)), client, pack)).BookingId;

        var first = Value(await _world.Policies.ConsequenceAsync(TestUsers.Staff, bookings[0], Ct));
        Assert.True(first is { Late: true, FreeUnderGrace: true, KeepsCredit: false, FreeLeft: 1 });
        Assert.Contains("1 free late cancellation left after this (2 in any 30 days)", first.Text, StringComparison.Ordinal);
        foreach (var id in bookings) Assert.True((await _world.Bookings.CancelAsync(TestUsers.Staff, id, ct: Ct)).Succeeded);

        await using (var db = await _world.Db.CreateDbContextAsync(Ct))
        {
            var rows = await db.Bookings.Where(b => bookings.Contains(b.Id)).OrderBy(b => b.Id).ToListAsync(Ct);
            Assert.Equal([false, false, true], rows.Select(b => b.UsesCredit));
            Assert.All(rows, b => Assert.True(b.CancelledLate));
            var refunds = await db.Ledger.Where(l => l.Kind == LedgerKind.CancellationRefund).OrderBy(l => l.Id).Select(l => l.Note).ToListAsync(Ct);
            Assert.Contains("late, free: 1 of 2 free late cancellations used", refunds[0], StringComparison.Ordinal);
            Assert.Contains("late, free: 2 of 2 free late cancellations used", refunds[1], StringComparison.Ordinal);
            var penalty = await db.Ledger.SingleAsync(l => l.Kind == LedgerKind.Penalty, Ct);
            Assert.Equal(0, penalty.Amount);
            Assert.StartsWith("Late cancellation inside 12 hours (the studio's default policy): credit kept.", penalty.Note, StringComparison.Ordinal);
            Assert.EndsWith("booked by Maya Chen", penalty.Note, StringComparison.Ordinal);
            await AssertLedgerAgreesAsync(db);
        }

        _world.Clock.Now = _world.Clock.Now.AddDays(32); // the three are 32 days old: outside any 30 days from now
        var again = Value(await _world.Policies.ConsequenceAsync(TestUsers.Staff, later, Ct));
        Assert.True(again is { FreeUnderGrace: true, FreeLeft: 1 });
        Assert.True((await _world.Bookings.CancelAsync(TestUsers.Staff, later, ct: Ct)).Succeeded);
        await using var after = await _world.Db.CreateDbContextAsync(Ct);
        Assert.False((await after.Bookings.SingleAsync(b => b.Id == later, Ct)).UsesCredit);
    }

    [Fact]
    public async Task In_a_shared_pool_the_owners_period_bears_the_penalty_and_the_row_names_who_booked()
    {
        await _world.WithLocationAsync();
        var owner = await _world.ClientAsync("Maya", "Chen");
        var buddy = await _world.ClientAsync("Leo", "Park");
        var pack = await _world.SellAsync(owner, "Monthly 8", credits: 8, sharing: true);
        await _world.ItemPolicyAsync(_world["Monthly 8"], hours: 12);
        await _world.ShareAsync(pack, buddy);
        var booking = (await _world.BookAsync(await _world.SessionAsync("Evening Flow", dayOffset: 0, at: new TimeOnly(18, 0)), buddy, pack)).BookingId;

        var result = await _world.Bookings.CancelAsync(TestUsers.Member(buddy), booking, ct: Ct);

        Assert.True(result.Succeeded);
        Assert.Contains("the credit is kept (Monthly 8's policy)", result.Message, StringComparison.Ordinal);
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        var penalty = await db.Ledger.SingleAsync(l => l.Kind == LedgerKind.Penalty, Ct);
        Assert.Equal(pack.Id, penalty.PurchaseId);
        Assert.StartsWith("Late cancellation inside 12 hours (Monthly 8's policy): credit kept.", penalty.Note, StringComparison.Ordinal);
        Assert.EndsWith("booked by Leo Park", penalty.Note, StringComparison.Ordinal);
        Assert.Equal(1, (await db.CreditPeriods.SingleAsync(p => p.PurchaseId == pack.Id, Ct)).UsedCredits);
        await AssertLedgerAgreesAsync(db);
    }

    [Fact]
    public async Task A_no_show_keeps_or_returns_the_credit_as_its_policy_says()
    {
        await _world.StudioPolicyAsync(hours: 12, noShow: PolicyCost.RefundCredit);
        await _world.WithLocationAsync();
        var client = await _world.ClientAsync("Maya", "Chen");
        var strict = await _world.SellAsync(client, "Strict pack", credits: 10);
        await _world.ItemPolicyAsync(_world["Strict pack"], hours: 12, noShow: PolicyCost.KeepCredit);
        var lenient = await _world.SellAsync(client, "Default pack", credits: 10);
        var kept = (await _world.BookAsync(await _world.SessionAsync("Morning Flow", dayOffset: 1), client, strict)).BookingId;
        var returned = (await _world.BookAsync(await _world.SessionAsync("Noon Flow", dayOffset: 1, at: new TimeOnly(12, 0)), client, lenient)).BookingId;

        Assert.Contains("kept (Strict pack's policy)", (await _world.Bookings.MarkNoShowAsync(TestUsers.Staff, kept, Ct)).Message, StringComparison.Ordinal);
        Assert.Contains("returned (the studio's default policy)", (await _world.Bookings.MarkNoShowAsync(TestUsers.Staff, returned, Ct)).Message, StringComparison.Ordinal);

        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        Assert.True(await db.Bookings.SingleAsync(b => b.Id == kept, Ct) is { Status: BookingStatus.NoShow, Penalty: BookingPenalty.NoShow, UsesCredit: true });
        Assert.True(await db.Bookings.SingleAsync(b => b.Id == returned, Ct) is { Status: BookingStatus.NoShow, Penalty: BookingPenalty.None, UsesCredit: false });
        Assert.Equal(1, (await db.CreditPeriods.SingleAsync(p => p.PurchaseId == strict.Id, Ct)).UsedCredits);
        Assert.Equal(0, (await db.CreditPeriods.SingleAsync(p => p.PurchaseId == lenient.Id, Ct)).UsedCredits);
        Assert.StartsWith("No-show (Strict pack's policy): credit kept.", (await db.Ledger.SingleAsync(l => l.Kind == LedgerKind.Penalty, Ct)).Note, StringComparison.Ordinal);
        Assert.Equal(1, await db.Ledger.CountAsync(l => l.Kind == LedgerKind.CancellationRefund && l.BookingId == returned, Ct));
        await AssertLedgerAgreesAsync(db);
    }

    [Fact]
    public async Task A_no_show_whose_credit_was_returned_cannot_be_marked_attended_but_a_kept_one_can()
    {
        await _world.StudioPolicyAsync(hours: 12, noShow: PolicyCost.RefundCredit);
        await _world.WithLocationAsync();
        var client = await _world.ClientAsync("Maya", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var booking = (await _world.BookAsync(await _world.SessionAsync("Morning Flow", dayOffset: 1), client, pack)).BookingId;
        await _world.Bookings.MarkNoShowAsync(TestUsers.Staff, booking, Ct);

        var attended = await _world.Bookings.MarkAttendedAsync(TestUsers.Staff, booking, Ct);

        Assert.Equal(Outcome.Conflict, attended.Outcome);
        Assert.Contains("cannot be marked attended without a credit", attended.Message, StringComparison.Ordinal);
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        Assert.Equal(BookingStatus.NoShow, (await db.Bookings.SingleAsync(Ct)).Status);
        Assert.Equal(0, (await db.CreditPeriods.SingleAsync(Ct)).UsedCredits);

        await _world.StudioPolicyAsync(hours: 12, noShow: PolicyCost.KeepCredit);
        var other = (await _world.BookAsync(await _world.SessionAsync("Noon Flow", dayOffset: 1, at: new TimeOnly(12, 0)), client, pack)).BookingId;
        await _world.Bookings.MarkNoShowAsync(TestUsers.Staff, other, Ct);
        Assert.True((await _world.Bookings.MarkAttendedAsync(TestUsers.Staff, other, Ct)).Succeeded);
        Assert.True(await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == other, Ct) is { Status: BookingStatus.Attended, Penalty: BookingPenalty.None, UsesCredit: true });
        await AssertLedgerAgreesAsync(db);
    }

    [Fact]
    public async Task Waiving_returns_the_kept_credit_once_with_the_note()
    {
        await _world.StudioPolicyAsync(hours: 12);
        await _world.WithLocationAsync();
        var client = await _world.ClientAsync("Maya", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var booking = (await _world.BookAsync(await _world.SessionAsync("Evening Flow", dayOffset: 0, at: new TimeOnly(18, 0)), client, pack)).BookingId;
        await _world.Bookings.CancelAsync(TestUsers.Member(client), booking, ct: Ct);

        Assert.Equal(Outcome.Invalid, (await _world.Bookings.WaiveAsync(TestUsers.Staff, booking, " ", Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await _world.Bookings.WaiveAsync(TestUsers.Trainer, booking, "Sick", Ct)).Outcome);
        Assert.True((await _world.Bookings.WaiveAsync(TestUsers.Staff, booking, "Family emergency", Ct)).Succeeded);
        var again = await _world.Bookings.WaiveAsync(TestUsers.Staff, booking, "Once more", Ct);

        Assert.Equal(Outcome.Conflict, again.Outcome);
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        Assert.Equal(0, (await db.CreditPeriods.SingleAsync(Ct)).UsedCredits);
        var waived = await db.Ledger.SingleAsync(l => l.Kind == LedgerKind.Waived, Ct);
        Assert.Equal(-1, waived.Amount);
        Assert.EndsWith("booked by Maya Chen. Family emergency", waived.Note, StringComparison.Ordinal);
        var row = await db.Bookings.SingleAsync(Ct);
        Assert.True(row is { UsesCredit: false, Penalty: BookingPenalty.LateCancel, WaivedAtUtc: not null });
        var listed = Value(await _world.Policies.PenaltiesAsync(TestUsers.Staff, _world.Today, ct: Ct));
        Assert.True(Assert.Single(listed) is { Waived: true, Rule: "Late cancellation", Client: "Maya Chen" });
        await AssertLedgerAgreesAsync(db);
    }

    [Fact]
    public async Task Two_late_cancellations_at_once_with_one_free_left_exactly_one_is_free()
    {
        await _world.StudioPolicyAsync(hours: 12, grace: 1);
        await _world.WithLocationAsync();
        var client = await _world.ClientAsync("Maya", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var a = (await _world.BookAsync(await _world.SessionAsync("Flow A", dayOffset: 0, at: new TimeOnly(18, 0)), client, pack)).BookingId;
        var b = (await _world.BookAsync(await _world.SessionAsync("Flow B", dayOffset: 0, at: new TimeOnly(19, 0)), client, pack)).BookingId;

        var results = await AllAtOnce.RunAsync(
            () => _world.Bookings.CancelAsync(TestUsers.Staff, a, ct: Ct), () => _world.Bookings.CancelAsync(TestUsers.Staff, b, ct: Ct));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.Bookings.CountAsync(x => x.Penalty == BookingPenalty.LateCancel, Ct));
        Assert.Equal(1, await db.Ledger.CountAsync(l => l.Kind == LedgerKind.Penalty, Ct));
        Assert.Equal(1, (await db.CreditPeriods.SingleAsync(Ct)).UsedCredits);
        await AssertLedgerAgreesAsync(db);
    }

    [Fact]
    public async Task The_members_bookings_carry_each_live_bookings_consequence()
    {
        await _world.StudioPolicyAsync(hours: 12);
        await _world.WithLocationAsync();
        var client = await _world.ClientAsync("Maya", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        await _world.BookAsync(await _world.SessionAsync("Evening Flow", dayOffset: 0, at: new TimeOnly(18, 0)), client, pack);
        await _world.BookAsync(await _world.SessionAsync("Morning Flow", dayOffset: 2), client, pack);
        var queries = new CorePortal.Features.Members.MemberQueries(_world.Db, _world.Clock);

        var page = Value(await queries.BookingsAsync(TestUsers.Member(client), client.Id, upcoming: true, 0, 10, Ct));

        Assert.Equal("This cancellation is inside 12 hours: the credit will not be returned.", page.Items[0].Cancellation!.Text);
        Assert.Equal("Cancelling now returns the credit.", page.Items[1].Cancellation!.Text);
    }

    [Fact]
    public async Task The_studio_policy_refuses_values_out_of_range_with_field_errors_and_saves_nothing()
    {
        var input = Value(await _world.Policies.GetStudioDefaultAsync(TestUsers.Manager, Ct));
        (input.LateCancelHours, input.GraceCount, input.GraceWindowDays) = (169, 21, 0);

        var result = await _world.Policies.SaveStudioDefaultAsync(TestUsers.Manager, input, Ct);

        Assert.Equal(Outcome.Invalid, result.Outcome);
        Assert.Equal("GraceCount GraceWindowDays LateCancelHours", string.Join(' ', result.Errors.Keys.Order()));
        Assert.Equal(Outcome.Forbidden, (await _world.Policies.SaveStudioDefaultAsync(TestUsers.Staff, input, Ct)).Outcome);
        Assert.Equal(0, Value(await _world.Policies.GetStudioDefaultAsync(TestUsers.Manager, Ct)).LateCancelHours);
    }

    private static T Value<T>(ServiceResult<T> result)
    {
        Assert.True(result.Succeeded, result.Message);
        return result.Value!;
    }

    private static async Task AssertLedgerAgreesAsync(CoreDbContext db)
    {
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db, Ct));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db, Ct));
    }

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
