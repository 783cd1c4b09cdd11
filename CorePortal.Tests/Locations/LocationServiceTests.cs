using CorePortal.Data;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Locations;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Locations;

/// <summary>
/// Locations' zones through the service, and what they change: when a session has started (and so may no longer be booked)
/// and which of a member's bookings are upcoming. The server's zone here is UTC (the test clock's).
/// </summary>
public sealed class LocationServiceTests : IAsyncLifetime
{
    private readonly StudioBuilder _world = new(FixedClock.At(2026, 2, 9)); // Monday 9 Feb 2026, winter on both sides
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _world.WithLocationAsync("Downtown Studio");

    [Fact]
    public async Task A_manager_sets_a_zone_and_cutoff_and_the_list_shows_them()
    {
        var saved = await _world.Locations.SaveAsync(TestUsers.Manager, _world.Location.Id,
            new LocationInput { Name = "Manhattan", TimeZoneId = "america/new_york", WaitlistCutoffHours = 3 }, Ct);

        Assert.True(saved.Succeeded, saved.Message);
        var listed = Assert.Single((await _world.Locations.ListAsync(TestUsers.Manager, Ct)).Value!);
        Assert.Equal(new LocationOption(_world.Location.Id, "Manhattan", "America/New_York", 3), listed);
    }

    [Fact]
    public async Task An_unknown_zone_or_a_cutoff_outside_0_to_48_is_a_field_error_and_changes_nothing()
    {
        var saved = await _world.Locations.SaveAsync(TestUsers.Manager, _world.Location.Id,
            new LocationInput { Name = "Renamed", TimeZoneId = "Mars/Olympus_Mons", WaitlistCutoffHours = 49 }, Ct);

        Assert.Equal(Outcome.Invalid, saved.Outcome);
        Assert.Contains("not a time zone", saved.ErrorFor(nameof(LocationInput.TimeZoneId)), StringComparison.Ordinal);
        Assert.NotNull(saved.ErrorFor(nameof(LocationInput.WaitlistCutoffHours)));
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        var location = await db.Locations.SingleAsync(Ct);
        Assert.Equal(("Downtown Studio", "", 2), (location.Name, location.TimeZoneId, location.WaitlistCutoffHours));
    }

    [Fact]
    public async Task Front_desk_staff_may_not_read_or_edit_locations()
    {
        Assert.Equal(Outcome.Forbidden, (await _world.Locations.ListAsync(TestUsers.Staff, Ct)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await _world.Locations.SaveAsync(TestUsers.Staff, _world.Location.Id,
            new LocationInput { TimeZoneId = "Europe/London" }, Ct)).Outcome);
    }

    [Fact]
    public async Task In_winter_18_00_in_New_York_has_started_at_23_00_UTC_and_is_bookable_a_minute_before()
    {
        var (client, pack, newYork, london) = await TwoCitiesAsync();

        _world.Clock.Now = new DateTimeOffset(2026, 2, 9, 22, 59, 0, TimeSpan.Zero);
        var before = await _world.Bookings.BookAsync(TestUsers.Member(client), newYork.Id, client.Id, pack.Id, null, Ct);
        var londonLate = await _world.Bookings.BookAsync(TestUsers.Member(client), london.Id, client.Id, pack.Id, null, Ct);
        await _world.Bookings.CancelAsync(TestUsers.Member(client), before.Value!.BookingId, ct: Ct);
        _world.Clock.Now = new DateTimeOffset(2026, 2, 9, 23, 0, 0, TimeSpan.Zero);
        var after = await _world.Bookings.BookAsync(TestUsers.Member(client), newYork.Id, client.Id, pack.Id, null, Ct);

        Assert.True(before.Succeeded, before.Message);
        Assert.Contains("has started", londonLate.Message, StringComparison.Ordinal); // 18:00 in London was 18:00 UTC
        Assert.Equal(Outcome.Conflict, after.Outcome);
        Assert.Contains("has started", after.Message, StringComparison.Ordinal);
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task In_summer_18_00_in_New_York_has_started_at_22_00_UTC_and_18_00_in_London_at_17_00_UTC()
    {
        var (client, pack, newYork, london) = await TwoCitiesAsync(new DateOnly(2026, 7, 13));

        _world.Clock.Now = new DateTimeOffset(2026, 7, 13, 16, 59, 0, TimeSpan.Zero);
        var londonBefore = await _world.Bookings.BookAsync(TestUsers.Member(client), london.Id, client.Id, pack.Id, null, Ct);
        _world.Clock.Now = new DateTimeOffset(2026, 7, 13, 21, 59, 0, TimeSpan.Zero);
        var newYorkBefore = await _world.Bookings.BookAsync(TestUsers.Member(client), newYork.Id, client.Id, pack.Id, null, Ct);
        await _world.Bookings.CancelAsync(TestUsers.Member(client), newYorkBefore.Value!.BookingId, ct: Ct);
        _world.Clock.Now = new DateTimeOffset(2026, 7, 13, 22, 0, 0, TimeSpan.Zero);
        var newYorkAfter = await _world.Bookings.BookAsync(TestUsers.Member(client), newYork.Id, client.Id, pack.Id, null, Ct);

        Assert.True(londonBefore.Succeeded, londonBefore.Message);
        Assert.True(newYorkBefore.Succeeded, newYorkBefore.Message);
        Assert.Equal(Outcome.Conflict, newYorkAfter.Outcome);
        await AssertLedgerAgreesAsync();
    }

    [Fact]
    public async Task A_member_s_upcoming_and_past_bookings_are_cut_at_each_location_s_own_now()
    {
        var (client, pack, newYork, london) = await TwoCitiesAsync(new DateOnly(2026, 7, 13));
        await _world.BookAsync(newYork, client, pack);
        await _world.BookAsync(london, client, pack);

        _world.Clock.Now = new DateTimeOffset(2026, 7, 13, 20, 0, 0, TimeSpan.Zero); // 21:00 in London, 16:00 in New York
        var upcoming = (await _world.MemberQueries.BookingsAsync(TestUsers.Member(client), client.Id, upcoming: true, 0, 10, Ct)).Value!;
        var past = (await _world.MemberQueries.BookingsAsync(TestUsers.Member(client), client.Id, upcoming: false, 0, 10, Ct)).Value!;

        Assert.Equal([newYork.Id], upcoming.Items.Select(b => b.SessionId));
        Assert.Equal("America/New_York", upcoming.Items[0].TimeZoneId);
        Assert.Equal([london.Id], past.Items.Select(b => b.SessionId));
        Assert.Equal((1, 1), (upcoming.TotalCount, past.TotalCount));
    }

    [Fact]
    public async Task Cancelling_a_purchase_touches_the_bookings_not_yet_started_at_their_own_location()
    {
        var (client, pack, newYork, london) = await TwoCitiesAsync(new DateOnly(2026, 7, 13));
        var inNewYork = await _world.BookAsync(newYork, client, pack);
        await _world.BookAsync(london, client, pack);

        _world.Clock.Now = new DateTimeOffset(2026, 7, 13, 20, 0, 0, TimeSpan.Zero); // London's class is over, New York's is at 22:00 UTC
        var preview = await _world.Cancellations.PreviewAsync(TestUsers.Staff, pack.Id,
            new CorePortal.Features.Memberships.CancellationRequest(CorePortal.Features.Memberships.CancelEffective.Now, "Moving away"), Ct);

        Assert.True(preview.Succeeded, preview.Message);
        Assert.Equal([inNewYork.BookingId], preview.Value!.Bookings.Select(b => b.BookingId));
    }

    // A London and a New York location, a member with a pack, and an 18:00 class at each, on the given day (the clock moves there, 10:00 UTC).
    private async Task<(Client Client, Purchase Pack, Session NewYork, Session London)> TwoCitiesAsync(DateOnly? on = null)
    {
        if (on is { } day) _world.Clock.Now = new DateTimeOffset(day.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        await _world.WithTimeZoneAsync("Europe/London");
        var client = await _world.ClientAsync("Maya", "Chen");
        var pack = await _world.SellAsync(client, "10 pack", credits: 10);
        var london = await _world.SessionAsync("London Flow", dayOffset: 0, at: new TimeOnly(18, 0));
        await _world.WithLocationAsync("Manhattan");
        await _world.WithTimeZoneAsync("America/New_York");
        var newYork = await _world.SessionAsync("Manhattan Flow", dayOffset: 0, at: new TimeOnly(18, 0));
        return (client, pack, newYork, london);
    }

    private async Task AssertLedgerAgreesAsync()
    {
        await using var db = await _world.Db.CreateDbContextAsync(Ct);
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db, Ct));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db, Ct));
    }

    public ValueTask DisposeAsync()
    {
        _world.Dispose();
        return ValueTask.CompletedTask;
    }
}
