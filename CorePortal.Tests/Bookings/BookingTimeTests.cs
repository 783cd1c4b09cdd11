using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Bookings;

/// <summary>Time in bookings: a session that has started takes no bookings, and only staff may cancel after the start, with a note.</summary>
public sealed class BookingTimeTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new(); // its clock: 10:00 on 2 March 2026
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Booking_a_session_that_has_started_is_refused_for_staff_and_members_and_takes_no_credit()
    {
        var client = await _world.ClientAsync("Maya", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var started = await _world.SessionAsync("Sunrise Flow", dayOffset: 0, at: new TimeOnly(9, 30));
        var yesterday = await _world.SessionAsync("Evening Flow", dayOffset: -1, at: new TimeOnly(18, 0));

        var byStaff = await _world.Bookings.BookAsync(TestUsers.Staff, started.Id, client.Id, pack.Id, null, Ct);
        var byMember = await _world.Bookings.BookAsync(TestUsers.Member(client), yesterday.Id, client.Id, pack.Id, null, Ct);

        Assert.Equal(Outcome.Conflict, byStaff.Outcome);
        Assert.Contains("has started", byStaff.Message, StringComparison.Ordinal);
        Assert.Equal(Outcome.Conflict, byMember.Outcome);
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        Assert.False(await db.Bookings.AnyAsync(Ct));
        Assert.Equal(0, (await db.CreditPeriods.SingleAsync(Ct)).UsedCredits);
    }

    [Fact]
    public async Task A_session_starting_later_today_can_still_be_booked()
    {
        var client = await _world.ClientAsync("Leo", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var later = await _world.SessionAsync("Lunch HIIT", dayOffset: 0, at: new TimeOnly(10, 1));

        Assert.True((await _world.Bookings.BookAsync(TestUsers.Member(client), later.Id, client.Id, pack.Id, null, Ct)).Succeeded);
    }

    [Fact]
    public async Task A_member_cannot_cancel_after_the_start_and_keeps_the_booking_and_the_credit_used()
    {
        var (client, bookingId) = await BookedThenStartedAsync();

        var result = await _world.Bookings.CancelAsync(TestUsers.Member(client), bookingId, ct: Ct);

        Assert.Equal(Outcome.Conflict, result.Outcome);
        Assert.Contains("has started", result.Message, StringComparison.Ordinal);
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        Assert.Equal(BookingStatus.Booked, (await db.Bookings.SingleAsync(Ct)).Status);
        Assert.Equal(1, (await db.CreditPeriods.SingleAsync(Ct)).UsedCredits);
        Assert.DoesNotContain(await db.Ledger.Select(l => l.Kind).ToListAsync(Ct), k => k == LedgerKind.CancellationRefund);
    }

    [Fact]
    public async Task A_member_may_cancel_before_the_start()
    {
        var client = await _world.ClientAsync("Ivy", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var session = await _world.SessionAsync("Pilates", dayOffset: 1);
        var booked = await _world.BookAsync(session, client, pack);

        Assert.True((await _world.Bookings.CancelAsync(TestUsers.Member(client), booked.BookingId, ct: Ct)).Succeeded);
    }

    [Fact]
    public async Task Staff_cancelling_after_the_start_must_give_a_note_and_the_refund_row_keeps_it()
    {
        var (_, bookingId) = await BookedThenStartedAsync();

        var withoutNote = await _world.Bookings.CancelAsync(TestUsers.Staff, bookingId, "   ", Ct);
        var withNote = await _world.Bookings.CancelAsync(TestUsers.Staff, bookingId, "Studio flooded, class called off", Ct);

        Assert.Equal(Outcome.Invalid, withoutNote.Outcome);
        Assert.NotNull(withoutNote.ErrorFor("note"));
        Assert.True(withNote.Succeeded, withNote.Message);
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        var refund = await db.Ledger.SingleAsync(l => l.Kind == LedgerKind.CancellationRefund, Ct);
        Assert.Contains("Studio flooded, class called off", refund.Note, StringComparison.Ordinal);
        Assert.Equal(0, (await db.CreditPeriods.SingleAsync(Ct)).UsedCredits);
    }

    [Fact]
    public async Task A_cancellation_note_with_a_bidi_override_is_refused()
    {
        var (_, bookingId) = await BookedThenStartedAsync();

        var result = await _world.Bookings.CancelAsync(TestUsers.Staff, bookingId, "ok \u202Edetoor", Ct);

        Assert.Equal(Outcome.Invalid, result.Outcome);
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        Assert.Equal(BookingStatus.Booked, (await db.Bookings.SingleAsync(Ct)).Status);
    }

    // Booked at 10:00 into the 10:30 class, then the clock moves to 10:45.
    private async Task<(Client Client, int BookingId)> BookedThenStartedAsync()
    {
        var client = await _world.ClientAsync("Tom", "Becker");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var session = await _world.SessionAsync("Core 30", dayOffset: 0, at: new TimeOnly(10, 30));
        var booked = await _world.BookAsync(session, client, pack);
        _world.Clock.Now = _world.Clock.Now.AddMinutes(45);
        return (client, booked.BookingId);
    }

    public async ValueTask InitializeAsync() => await _world.WithLocationAsync();

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
