using System.Globalization;
using System.Linq.Expressions;
using CorePortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

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

    /// <summary>Whether the id names a time zone this machine knows (IANA ids, "Europe/London"), in any letter case.</summary>
    public static bool IsKnownZone(string? timeZoneId) => KnownZoneId(timeZoneId) is not null;

    /// <summary>
    /// The machine's own id for a zone named in any letter case ("america/new_york" is "America/New_York"); null when it knows
    /// none. Linux finds zones by file name, so a lookup alone is case-sensitive, unless the zone happens to be cached already.
    /// </summary>
    public static string? KnownZoneId(string? timeZoneId)
    {
        if (string.IsNullOrWhiteSpace(timeZoneId)) return null;
        var listed = TimeZoneInfo.GetSystemTimeZones().FirstOrDefault(z => string.Equals(z.Id, timeZoneId, StringComparison.OrdinalIgnoreCase));
        if (listed is not null) return listed.Id;
        return TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var found) ? found.Id : null; // an alias the list leaves out
    }

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

    /// <summary>
    /// The zone's short name at a wall-clock time there: the initials of its name ("EDT", "BST", "GMT"), or its offset from
    /// UTC ("UTC+5:30") where the name is not words; this machine has no table of abbreviations.
    /// </summary>
    public static string Abbreviation(TimeZoneInfo zone, DateTime wallClock)
    {
        var local = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        if (zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime) return "UTC";
        var name = zone.IsDaylightSavingTime(ToInstant(local, zone)) ? zone.DaylightName : zone.StandardName;
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 2 && words.All(w => w.All(char.IsLetter))) return string.Concat(words.Select(w => char.ToUpperInvariant(w[0])));
        var offset = ToInstant(local, zone).Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        offset = offset.Duration();
        return offset.Minutes == 0 ? $"UTC{sign}{offset.Hours}" : $"UTC{sign}{offset.Hours}:{offset.Minutes:D2}";
    }

    /// <summary>
    /// A session's start as pages show it: "Mon 9 Mar 18:00", with the zone's short name when the location's zone is not the
    /// server's ("Mon 9 Mar 18:00 (EDT)"), or always when <paramref name="withZone"/> (a list of several locations' sessions).
    /// </summary>
    public static string Show(DateTime startsAt, string? timeZoneId, TimeProvider clock, bool withZone = false, string format = "ddd d MMM HH:mm")
    {
        var text = startsAt.ToString(format, CultureInfo.InvariantCulture);
        var zone = Zone(timeZoneId, clock);
        return withZone || zone.Id != clock.LocalTimeZone.Id ? $"{text} ({Abbreviation(zone, startsAt)})" : text;
    }

    /// <summary>
    /// "Has not started yet", per location: sessions whose wall-clock start is after now in their own location's zone. One
    /// condition per zone in use (a handful), so upcoming and past lists cut each location at its own now.
    /// </summary>
    public static async Task<Expression<Func<Session, bool>>> NotStartedAsync(CoreDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var locations = await db.Locations.AsNoTracking().Select(l => new { l.Id, l.TimeZoneId }).ToListAsync(ct);
        var s = Expression.Parameter(typeof(Session), "s");
        Expression body = Expression.Constant(false);
        foreach (var inZone in locations.GroupBy(l => l.TimeZoneId))
        {
            var ids = inZone.Select(l => l.Id).ToList();
            var now = Now(clock, Zone(inZone.Key, clock));
            Expression<Func<Session, bool>> here = x => ids.Contains(x.LocationId) && x.StartsAt > now;
            body = Expression.OrElse(body, ReplacingExpressionVisitor.Replace(here.Parameters[0], s, here.Body));
        }
        return Expression.Lambda<Func<Session, bool>>(body, s);
    }
}
