using System.Globalization;

namespace CorePortal.Features.Memberships;

/// <summary>A period as the freeze maths sees it: a rolled bucket keeps its credits (only its dates move).</summary>
public sealed record PeriodState(int PeriodId, bool IsBucket, DateOnly StartsOn, DateOnly EndsOn, int? Max, int Used);

/// <summary>Days a freeze holds: from <see cref="StartsOn"/> to <see cref="EndsOn"/>, or every later day when EndsOn is null.</summary>
public readonly record struct FrozenSpan(DateOnly StartsOn, DateOnly? EndsOn);

/// <summary>One period's change with the words its ledger row carries.</summary>
public sealed record PeriodStep(FreezePeriodChange Change, string Note);

/// <summary>
/// The freeze maths, pure: what a freeze (or its early end) does to a purchase's periods. Extend moves dates: the period that
/// contains the freeze's first day ends the frozen days later and every later period moves by them. Prorate keeps, of each
/// period the freeze touches, credits in proportion to its active days, rounded half up (never below what is used).
/// </summary>
/// <remarks>
/// Periods that do not exist yet (an open-ended membership's later periods) are prorated when they are created: the renewal job
/// must ask <see cref="ProratedMax"/> for a new period's Max, with the purchase's Active prorate freezes.
/// </remarks>
public static class FreezeMath
{
    /// <summary>Days from <paramref name="from"/> to <paramref name="to"/>, both counted (0 when to is before from).</summary>
    public static int Days(DateOnly from, DateOnly to) => Math.Max(0, to.DayNumber - from.DayNumber + 1);

    /// <summary>Credits kept of <paramref name="max"/> for <paramref name="activeDays"/> of <paramref name="baseDays"/>, rounded half up.</summary>
    public static int Keep(int max, int activeDays, int baseDays) =>
        baseDays <= 0 ? max : (int)Math.Round((decimal)max * activeDays / baseDays, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Moves the validity by <paramref name="days"/> (negative moves it back, as an early end does): the period containing
    /// <paramref name="freezeStart"/> ends that much later, every period that starts after it moves whole. Only changed periods.
    /// </summary>
    public static List<PeriodStep> Extend(IEnumerable<PeriodState> periods, DateOnly freezeStart, int days, string why)
    {
        var steps = new List<PeriodStep>();
        if (days == 0) return steps;
        foreach (var p in periods.Where(p => p.EndsOn >= p.StartsOn).OrderBy(p => p.StartsOn).ThenBy(p => p.PeriodId))
        {
            var (starts, ends) = p.StartsOn <= freezeStart && freezeStart <= p.EndsOn ? (p.StartsOn, p.EndsOn.AddDays(days))
                : p.StartsOn > freezeStart ? (p.StartsOn.AddDays(days), p.EndsOn.AddDays(days))
                : (p.StartsOn, p.EndsOn);
            if (starts == p.StartsOn && ends == p.EndsOn) continue;
            steps.Add(new PeriodStep(new FreezePeriodChange(p.PeriodId, p.StartsOn, p.EndsOn, starts, ends, p.Used, p.Max, p.Max), why));
        }
        return steps;
    }

    /// <summary>
    /// Prorates the periods the freeze [start, end] touches: keep = round(Max × active days / days), where the days are the
    /// period's days not held by <paramref name="otherProrated"/> (the purchase's other prorate freezes, already prorated), and
    /// never below Used after <paramref name="refunds"/> (the credits the affected bookings give back). Unlimited periods and
    /// buckets keep theirs.
    /// </summary>
    public static List<PeriodStep> Prorate(IEnumerable<PeriodState> periods, DateOnly start, DateOnly end, IReadOnlyList<FrozenSpan> otherProrated,
        IReadOnlyDictionary<int, int>? refunds = null)
    {
        var steps = new List<PeriodStep>();
        foreach (var p in periods.Where(p => !p.IsBucket && p.Max is not null && p.EndsOn >= p.StartsOn).OrderBy(p => p.StartsOn))
        {
            var frozen = Overlap(p.StartsOn, p.EndsOn, start, end);
            if (frozen == 0) continue;
            var baseDays = Days(p.StartsOn, p.EndsOn) - FrozenDays(p.StartsOn, p.EndsOn, otherProrated);
            var used = p.Used - (refunds?.GetValueOrDefault(p.PeriodId) ?? 0);
            var active = baseDays - frozen;
            var keep = Math.Max(Keep(p.Max!.Value, active, baseDays), used);
            keep = Math.Min(keep, p.Max.Value);
            steps.Add(new PeriodStep(new FreezePeriodChange(p.PeriodId, p.StartsOn, p.EndsOn, p.StartsOn, p.EndsOn, used, p.Max, keep),
                $"prorated: {N(active)} of {N(baseDays)} days active"));
        }
        return steps;
    }

    /// <summary>
    /// An early end (or undo) of a prorate freeze: the freeze now holds [start, lastFrozenDay] instead of [start, plannedEnd].
    /// Each period it touched gets back the credits of its days now active: Max becomes round(Max before the freeze × active /
    /// days), never less than it is. <paramref name="forfeited"/> is what the freeze took from each period.
    /// </summary>
    public static List<PeriodStep> Unprorate(IEnumerable<PeriodState> periods, DateOnly start, DateOnly plannedEnd, DateOnly lastFrozenDay,
        IReadOnlyList<FrozenSpan> otherProrated, IReadOnlyDictionary<int, int> forfeited)
    {
        var steps = new List<PeriodStep>();
        foreach (var p in periods.Where(p => !p.IsBucket && p.Max is not null && p.EndsOn >= p.StartsOn).OrderBy(p => p.StartsOn))
        {
            if (Overlap(p.StartsOn, p.EndsOn, start, plannedEnd) == 0) continue;
            var before = p.Max!.Value + forfeited.GetValueOrDefault(p.PeriodId);
            var baseDays = Days(p.StartsOn, p.EndsOn) - FrozenDays(p.StartsOn, p.EndsOn, otherProrated);
            var active = baseDays - (lastFrozenDay < start ? 0 : Overlap(p.StartsOn, p.EndsOn, start, lastFrozenDay));
            var max = Math.Max(p.Max.Value, Math.Min(before, Keep(before, active, baseDays)));
            if (max == p.Max) continue;
            steps.Add(new PeriodStep(new FreezePeriodChange(p.PeriodId, p.StartsOn, p.EndsOn, p.StartsOn, p.EndsOn, p.Used, p.Max, max),
                $"prorated: {N(active)} of {N(baseDays)} days active"));
        }
        return steps;
    }

    /// <summary>
    /// The Max of a new period of <paramref name="max"/> credits from <paramref name="periodStart"/> to <paramref name="periodEnd"/>
    /// under the purchase's Active prorate freezes: what the renewal job grants. Null (unlimited) stays null.
    /// </summary>
    public static int? ProratedMax(int? max, DateOnly periodStart, DateOnly periodEnd, IReadOnlyList<FrozenSpan> freezes)
    {
        if (max is not { } m) return null;
        var days = Days(periodStart, periodEnd);
        return Keep(m, days - FrozenDays(periodStart, periodEnd, freezes), days);
    }

    /// <summary>Days of [from, to] held by any of the spans (each day once).</summary>
    public static int FrozenDays(DateOnly from, DateOnly to, IReadOnlyList<FrozenSpan> spans)
    {
        var days = new HashSet<int>();
        foreach (var s in spans)
        {
            var first = Math.Max(from.DayNumber, s.StartsOn.DayNumber);
            var last = Math.Min(to.DayNumber, (s.EndsOn ?? to).DayNumber);
            for (var d = first; d <= last; d++) days.Add(d);
        }
        return days.Count;
    }

    /// <summary>Days [a1, a2] and [b1, b2] share.</summary>
    public static int Overlap(DateOnly a1, DateOnly a2, DateOnly b1, DateOnly b2) =>
        Math.Max(0, Math.Min(a2.DayNumber, b2.DayNumber) - Math.Max(a1.DayNumber, b1.DayNumber) + 1);

    /// <summary>The most days the spans hold in any 365 days in a row (a rolling 12 months); open spans count to <paramref name="horizon"/>.</summary>
    public static int MostDaysInAnyYear(IReadOnlyList<FrozenSpan> spans, DateOnly horizon)
    {
        var days = new SortedSet<int>();
        foreach (var s in spans)
            for (var d = s.StartsOn.DayNumber; d <= (s.EndsOn ?? horizon).DayNumber; d++) days.Add(d);
        var list = days.ToList();
        var most = 0;
        for (int i = 0, j = 0; i < list.Count; i++)
        {
            while (list[i] - list[j] >= 365) j++;
            most = Math.Max(most, i - j + 1);
        }
        return most;
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
