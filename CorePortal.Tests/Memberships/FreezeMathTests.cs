using CorePortal.Features.Memberships;

namespace CorePortal.Tests.Memberships;

/// <summary>The freeze maths against hand-worked examples: a monthly membership renewing on the 1st, 8 credits a month.</summary>
public sealed class FreezeMathTests
{
    private static readonly PeriodState[] Monthly2027 =
    [
        new(1, false, new(2027, 1, 1), new(2027, 1, 31), 8, 0),
        new(2, false, new(2027, 2, 1), new(2027, 2, 28), 8, 0),
        new(3, false, new(2027, 3, 1), new(2027, 3, 31), 8, 0),
    ];

    private static readonly PeriodState[] Monthly2028 =
    [
        new(1, false, new(2028, 2, 1), new(2028, 2, 29), 8, 0),
        new(2, false, new(2028, 3, 1), new(2028, 3, 31), 8, 0),
    ];

    [Fact]
    public void Prorate_20_January_to_10_February_keeps_5_in_January_and_5_in_February()
    {
        // January: 19 of 31 days active, 8 × 19 / 31 = 4.90 → 5 (3 forfeited); February: 18 of 28, 8 × 18 / 28 = 5.14 → 5.
        var steps = FreezeMath.Prorate(Monthly2027, new(2027, 1, 20), new(2027, 2, 10), []);

        Assert.Equal([(1, 8, 5), (2, 8, 5)], steps.Select(s => (s.Change.PeriodId, s.Change.MaxBefore!.Value, s.Change.MaxAfter!.Value)));
        Assert.Equal("prorated: 19 of 31 days active", steps[0].Note);
        Assert.Equal("prorated: 18 of 28 days active", steps[1].Note);
        Assert.All(steps, s => Assert.Equal((s.Change.StartsOnBefore, s.Change.EndsOnBefore), (s.Change.StartsOnAfter, s.Change.EndsOnAfter)));
    }

    [Fact]
    public void Extend_20_January_to_10_February_ends_January_on_22_February_and_moves_later_periods_by_22_days()
    {
        var steps = FreezeMath.Extend(Monthly2027, new(2027, 1, 20), FreezeMath.Days(new(2027, 1, 20), new(2027, 2, 10)), "why");

        Assert.Equal(22, FreezeMath.Days(new(2027, 1, 20), new(2027, 2, 10)));
        Assert.Equal(
            [(new DateOnly(2027, 1, 1), new DateOnly(2027, 2, 22)), (new(2027, 2, 23), new(2027, 3, 22)), (new(2027, 3, 23), new(2027, 4, 22))],
            steps.Select(s => (s.Change.StartsOnAfter, s.Change.EndsOnAfter)));
        Assert.All(steps, s => Assert.Equal(s.Change.MaxBefore, s.Change.MaxAfter));
    }

    [Fact]
    public void A_freeze_over_the_leap_day_counts_29_February()
    {
        // 25 February – 5 March 2028 is 10 days (5 of them in a 29-day February).
        var start = new DateOnly(2028, 2, 25);
        var end = new DateOnly(2028, 3, 5);

        var extended = FreezeMath.Extend(Monthly2028, start, FreezeMath.Days(start, end), "why");
        var prorated = FreezeMath.Prorate(Monthly2028, start, end, []);

        Assert.Equal([new DateOnly(2028, 3, 10), new(2028, 4, 10)], extended.Select(s => s.Change.EndsOnAfter));
        Assert.Equal(new DateOnly(2028, 3, 11), extended[1].Change.StartsOnAfter);
        // February 24 of 29 days: 8 × 24 / 29 = 6.62 → 7; March 26 of 31: 8 × 26 / 31 = 6.71 → 7.
        Assert.Equal([7, 7], prorated.Select(s => s.Change.MaxAfter!.Value));
        Assert.Equal("prorated: 24 of 29 days active", prorated[0].Note);
    }

    [Fact]
    public void Prorate_rounds_half_up_and_never_keeps_less_than_is_used()
    {
        Assert.Equal(5, FreezeMath.Keep(10, 15, 30)); // exactly half of 10
        Assert.Equal(3, FreezeMath.Keep(5, 15, 30)); // 2.5 → 3, away from zero
        PeriodState[] used = [new(1, false, new(2027, 1, 1), new(2027, 1, 31), 8, 7)];

        var steps = FreezeMath.Prorate(used, new(2027, 1, 20), new(2027, 1, 31), []);

        Assert.Equal(7, steps[0].Change.MaxAfter); // 5 by the days, but 7 are used
    }

    [Fact]
    public void Unlimited_periods_and_rolled_buckets_keep_their_credits_when_prorated()
    {
        PeriodState[] periods = [new(1, false, new(2027, 1, 1), new(2027, 1, 31), null, 3), new(2, true, new(2027, 1, 1), new(2027, 1, 31), 4, 0)];

        Assert.Empty(FreezeMath.Prorate(periods, new(2027, 1, 20), new(2027, 1, 31), []));
    }

    [Fact]
    public void Unprorate_after_an_early_end_gives_back_the_credits_of_the_days_now_active()
    {
        PeriodState[] frozen = [new(1, false, new(2027, 1, 1), new(2027, 1, 31), 5, 0), new(2, false, new(2027, 2, 1), new(2027, 2, 28), 5, 0)];
        var forfeited = new Dictionary<int, int> { [1] = 3, [2] = 3 };

        // Ended with 24 January the last frozen day: January 26 of 31 active, 8 × 26 / 31 = 6.71 → 7; February wholly active again.
        var steps = FreezeMath.Unprorate(frozen, new(2027, 1, 20), new(2027, 2, 10), new(2027, 1, 24), [], forfeited);

        Assert.Equal([7, 8], steps.Select(s => s.Change.MaxAfter!.Value));
    }

    [Fact]
    public void ProratedMax_for_a_new_period_under_a_freeze()
    {
        Assert.Equal(5, FreezeMath.ProratedMax(8, new(2027, 2, 1), new(2027, 2, 28), [new(new(2027, 1, 20), new(2027, 2, 10))]));
        Assert.Equal(0, FreezeMath.ProratedMax(8, new(2027, 2, 1), new(2027, 2, 28), [new(new(2027, 1, 20), null)]));
        Assert.Null(FreezeMath.ProratedMax(null, new(2027, 2, 1), new(2027, 2, 28), []));
    }

    [Fact]
    public void Most_days_in_any_year_counts_a_rolling_twelve_months()
    {
        FrozenSpan[] sameYear = [new(new(2027, 1, 1), new(2027, 1, 10)), new(new(2027, 12, 1), new(2027, 12, 10))];
        FrozenSpan[] yearApart = [new(new(2027, 1, 1), new(2027, 1, 10)), new(new(2028, 1, 2), new(2028, 1, 11))];

        Assert.Equal(20, FreezeMath.MostDaysInAnyYear(sameYear, new(2029, 1, 1)));
        Assert.Equal(10, FreezeMath.MostDaysInAnyYear(yearApart, new(2029, 1, 1))); // no 365 days in a row hold more than 10 of them
    }
}
