namespace CorePortal.Features.Common;

/// <summary>
/// Time at a location, written once. A session's StartsAt is a wall-clock time in its location's zone (Location.TimeZoneId,
/// empty for the server's); "now" at a location is the clock's instant in that zone; and every window before a start (late
/// cancellation, the waitlist's cutoff) is measured between instants, so 12 hours across a summer-time change is 12 real hours.
/// </summary>
public static class LocationTime
{
    /// <summary>The zone of a location's TimeZoneId; empty means the clock's local zone (the server's).</summary>
    public static TimeZoneInfo Zone(string? timeZoneId, TimeProvider clock) =>
        string.IsNullOrEmpty(timeZoneId) ? clock.LocalTimeZone : TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);

    /// <summary>Whether the id names a time zone this machine knows (IANA ids, "Europe/London").</summary>
    public static bool IsKnownZone(string? timeZoneId) =>
        !string.IsNullOrWhiteSpace(timeZoneId) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out _);

    /// <summary>The wall-clock time now at a location in <paramref name="zone"/>.</summary>
    public static DateTime Now(TimeProvider clock, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime;

    /// <summary>Today's date at a location in <paramref name="zone"/>.</summary>
    public static DateOnly Today(TimeProvider clock, TimeZoneInfo zone) => DateOnly.FromDateTime(Now(clock, zone));

    /// <summary>
    /// The instant a wall-clock time at a location stands for. A time the clocks skipped (02:30 when they go from 02:00 to 03:00)
    /// is read with the offset before the change (it is 03:30); a time they pass twice (01:30 when they go back) is the first.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime wallClock, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max()
            : zone.IsInvalidTime(local) ? zone.GetUtcOffset(local.AddHours(-3))
            : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>Real time left until a wall-clock start at a location (negative once it has passed).</summary>
    public static TimeSpan Until(DateTime startsAt, TimeZoneInfo zone, TimeProvider clock) => ToInstant(startsAt, zone) - clock.GetUtcNow();
}
