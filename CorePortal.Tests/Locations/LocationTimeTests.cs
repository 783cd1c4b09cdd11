using CorePortal.Features.Common;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Locations;

/// <summary>
/// Wall-clock times at a location across summer-time changes: Europe/London goes forward on 29 Mar 2026 (01:00 → 02:00) and
/// back on 25 Oct 2026 (02:00 → 01:00); America/New_York forward on 8 Mar 2026 (02:00 → 03:00) and back on 1 Nov 2026.
/// </summary>
public sealed class LocationTimeTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void A_skipped_time_is_read_with_the_offset_before_the_change()
    {
        // 01:30 in London and 02:30 in New York never happen on the day the clocks go forward: they are 02:30 BST and 03:30 EDT.
        Assert.Equal(Utc(3, 29, 1, 30), LocationTime.ToInstant(new DateTime(2026, 3, 29, 1, 30, 0), London));
        Assert.Equal(Utc(3, 8, 7, 30), LocationTime.ToInstant(new DateTime(2026, 3, 8, 2, 30, 0), NewYork));
    }

    [Fact]
    public void A_repeated_time_is_the_first_of_the_two()
    {
        // 01:30 happens twice when the clocks go back: first in summer time (BST +1, EDT -4).
        Assert.Equal(Utc(10, 25, 0, 30), LocationTime.ToInstant(new DateTime(2026, 10, 25, 1, 30, 0), London));
        Assert.Equal(Utc(11, 1, 5, 30), LocationTime.ToInstant(new DateTime(2026, 11, 1, 1, 30, 0), NewYork));
    }

    [Theory]
    [InlineData("Europe/London", 3, 28)]
    [InlineData("Europe/London", 10, 24)]
    [InlineData("America/New_York", 3, 7)]
    [InlineData("America/New_York", 10, 31)]
    public void Twelve_hours_before_a_start_across_a_change_is_twelve_real_hours(string zoneId, int month, int day)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var start = new DateTime(2026, month, day, 22, 0, 0).AddHours(8); // 06:00 the next morning, after the change
        var clock = new FixedClock(LocationTime.ToInstant(start, zone).AddHours(-12));

        Assert.Equal(TimeSpan.FromHours(12), LocationTime.Until(start, zone, clock));
        // On the wall clock the same span reads 13 hours in spring (an hour is skipped) and 11 in autumn (one is repeated).
        var wallClockHours = (start - LocationTime.Now(clock, zone)).TotalHours;
        Assert.Equal(month == 3 ? 13 : 11, wallClockHours);
    }

    [Fact]
    public void Now_and_today_are_read_in_the_location_zone()
    {
        var clock = new FixedClock(Utc(1, 15, 2)); // 02:00 UTC: still the 14th in New York, 21:00 there

        Assert.Equal(new DateTime(2026, 1, 14, 21, 0, 0), LocationTime.Now(clock, NewYork));
        Assert.Equal(new DateOnly(2026, 1, 14), LocationTime.Today(clock, NewYork));
        Assert.Equal(new DateOnly(2026, 1, 15), LocationTime.Today(clock, London));
    }

    [Fact]
    public void A_time_shows_its_zone_short_name_only_where_the_zone_is_not_the_server_s()
    {
        var clock = new FixedClock(Utc(3, 1, 10)); // the server's zone is UTC

        Assert.Equal("Mon 9 Mar 18:00 (EDT)", LocationTime.Show(new DateTime(2026, 3, 9, 18, 0, 0), "America/New_York", clock));
        Assert.Equal("Mon 2 Mar 18:00 (EST)", LocationTime.Show(new DateTime(2026, 3, 2, 18, 0, 0), "America/New_York", clock));
        Assert.Equal("Mon 30 Mar 18:00 (BST)", LocationTime.Show(new DateTime(2026, 3, 30, 18, 0, 0), "Europe/London", clock));
        Assert.Equal("Mon 9 Mar 18:00", LocationTime.Show(new DateTime(2026, 3, 9, 18, 0, 0), "", clock));
        Assert.Equal("Mon 9 Mar 18:00 (UTC)", LocationTime.Show(new DateTime(2026, 3, 9, 18, 0, 0), "", clock, withZone: true));
        Assert.Equal("IST", LocationTime.Abbreviation(TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"), new DateTime(2026, 3, 9, 18, 0, 0)));
    }
}
