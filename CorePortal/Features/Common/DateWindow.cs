using System.Globalization;

namespace CorePortal.Features.Common;

/// <summary>
/// The dates the portal accepts, written once: from <see cref="YearsBack"/> years before the studio's today to
/// <see cref="YearsAhead"/> years after it. Sessions, validity dates, day queries and report ranges are all checked here,
/// so a date such as 0001-01-01 or 9999-12-31 is refused with a message rather than stored, or overflowing a day's end.
/// </summary>
public readonly record struct DateWindow(DateOnly First, DateOnly Last)
{
    public const int YearsBack = 5;
    public const int YearsAhead = 10;

    /// <summary>The window around the studio's today (its clock's local date).</summary>
    public static DateWindow For(TimeProvider clock) => Around(DateOnly.FromDateTime(clock.GetLocalNow().DateTime));

    public static DateWindow Around(DateOnly today) => new(today.AddYears(-YearsBack), today.AddYears(YearsAhead));

    public bool Contains(DateOnly day) => First <= day && day <= Last;

    /// <summary>Null when the day is inside the window; otherwise the message that says which days are.</summary>
    public string? Refusal(DateOnly? day, string what = "The date") => day is { } d && !Contains(d)
        ? $"{what} must be from {Text(First)} to {Text(Last)}."
        : null;

    /// <summary>Adds the refusal of <paramref name="day"/>, if any, under <paramref name="field"/>.</summary>
    public void Check(IDictionary<string, string[]> errors, string field, DateOnly? day, string what = "The date")
    {
        if (Refusal(day, what) is { } message) errors[field] = [message];
    }

    /// <summary>Null when both ends of a range are inside the window and in order; otherwise the 400 naming the field.</summary>
    public ServiceResult? RangeRefusal(DateOnly from, DateOnly to, string fromField = "from", string toField = "to")
    {
        var errors = new Dictionary<string, string[]>();
        Check(errors, fromField, from, "The start of the range");
        Check(errors, toField, to, "The end of the range");
        if (errors.Count == 0 && to < from) errors[toField] = ["The end of the range must be on or after its start."];
        return errors.Count > 0 ? ServiceResult.Invalid(errors) : null;
    }

    /// <summary>Null when the day is inside the window; otherwise the 400 naming the field.</summary>
    public ServiceResult? DayRefusal(DateOnly day, string field = "day") =>
        Refusal(day) is { } message ? ServiceResult.Invalid(field, message) : null;

    private static string Text(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
