using CorePortal.Data;
using CorePortal.Features.Catalog;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Memberships;

/// <summary>
/// A period's end, worked by hand. Monthly memberships of 10 credits sold on 1 Oct 2026: periods are calendar months. The pass
/// runs on the 1st of each month, so the month before has just ended (EndsOn &lt; today) and the next month is made first.
/// </summary>
public sealed class ExpiryRolloverTests : IAsyncLifetime, IDisposable
{
    private readonly StudioBuilder _studio = new(FixedClock.At(2026, 10, 1));
    private Client _maya = null!;

    public async ValueTask InitializeAsync()
    {
        await _studio.WithLocationAsync();
        _maya = await _studio.ClientAsync("Maya", "Chen");
    }

    private async Task PassOnAsync(int year, int month, int day)
    {
        _studio.MoveTo(year, month, day);
        await _studio.MembershipPassAsync();
        await _studio.AssertLedgerAgreesAsync();
    }

    /// <summary>
    /// All, expiring after 1 period. Oct: 7 of 10 used. 1 Nov: Oct rolls its 3 (RolledOver -3, Max 10 → 7) into a bucket for
    /// Nov (RolledIn 3, "3 rolled from Oct"); nothing is left to expire. 2 Nov: a booking spends the bucket first (1 of 3).
    /// 1 Dec: Nov's 10 roll into a Dec bucket (Max 10 → 0); Oct's bucket ends with 2 left: Expired -2 (Max 3 → 1).
    /// 1 Jan: the Dec bucket never rolls again: Expired -10.
    /// </summary>
    [Fact]
    public async Task Rollover_of_all_credits_moves_them_to_a_bucket_spent_first_that_expires_after_one_period()
    {
        var purchase = await _studio.SellAsync(await _studio.OpenEndedMembershipAsync("Monthly 10", 10, rollover: RolloverRule.All), _maya);
        await _studio.UseAsync(purchase.Periods[0], 7);

        await PassOnAsync(2026, 11, 1);
        Assert.Equal([(1, "2026-10-01..2026-10-31", 7, 7, false), (1, "2026-11-01..2026-11-30", 3, 0, true), (2, "2026-11-01..2026-11-30", 10, 0, false),
            (3, "2026-12-01..2026-12-31", 10, 0, false)], (await _studio.PeriodsAsync(purchase.Id)).Shape());
        var rolledIn = Assert.Single(await _studio.RowsAsync(purchase.Id, LedgerKind.RolledIn));
        Assert.Equal((3, 3, 0, "3 rolled from Oct"), (rolledIn.Amount, rolledIn.MaxAfter, rolledIn.UsedAfter, rolledIn.Note));
        var rolledOver = Assert.Single(await _studio.RowsAsync(purchase.Id, LedgerKind.RolledOver));
        Assert.Equal((-3, 7, 7), (rolledOver.Amount, rolledOver.MaxAfter, rolledOver.UsedAfter));
        Assert.Empty(await _studio.RowsAsync(purchase.Id, LedgerKind.Expired));

        _studio.MoveTo(2026, 11, 2);
        var periods = await _studio.PeriodsAsync(purchase.Id);
        await _studio.UseAsync(periods[2], 1);
        Assert.Equal(1, (await _studio.PeriodsAsync(purchase.Id))[1].UsedCredits); // the bucket, not November's 10
        // View History: November counts its rolled credits with it, and says where they came from.
        var card = (await new CorePortal.Features.Credits.CreditReadService(_studio.Db, _studio.Clock).PurchaseAsync(TestUsers.Staff, purchase.Id)).Value!;
        Assert.Equal([("1 Nov", "1 / 13", "3 rolled from Oct")], card.Periods.Where(p => p.RolledNote is not null)
            .Select(p => (p.StartsOn.ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture), p.UsedOfMax, p.RolledNote)));
        Assert.Equal(3, card.Periods.Count); // Oct, Nov, Dec: the bucket is not a period of its own on the card

        await PassOnAsync(2026, 12, 1);
        Assert.Equal([(1, "2026-10-01..2026-10-31", 7, 7, false), (1, "2026-11-01..2026-11-30", 1, 1, true), (2, "2026-11-01..2026-11-30", 0, 0, false),
            (2, "2026-12-01..2026-12-31", 10, 0, true), (3, "2026-12-01..2026-12-31", 10, 0, false), (4, "2027-01-01..2027-01-31", 10, 0, false)],
            (await _studio.PeriodsAsync(purchase.Id)).Shape());
        var expired = Assert.Single(await _studio.RowsAsync(purchase.Id, LedgerKind.Expired));
        Assert.Equal((-2, 1, 1), (expired.Amount, expired.MaxAfter, expired.UsedAfter));

        await PassOnAsync(2027, 1, 1);
        var all = await _studio.PeriodsAsync(purchase.Id);
        Assert.Equal((0, 0), (all[3].MaxCredits, all[3].UsedCredits)); // the Dec bucket expired
        Assert.Equal(3, (await _studio.RowsAsync(purchase.Id, LedgerKind.RolledOver)).Count); // Oct, Nov, Dec: never a bucket
        Assert.Equal([-2, -10], (await _studio.RowsAsync(purchase.Id, LedgerKind.Expired)).Select(r => r.Amount));
    }

    /// <summary>
    /// Up to 3, expiring after 2 periods. Oct: 2 of 10 used. 1 Nov: Oct rolls 3 (Max 10 → 7) into a bucket for Nov and Dec
    /// (1 Nov – 31 Dec), and its other 5 expire (Max 7 → 2 = Used). 1 Dec: Nov rolls 3 into a bucket 1 Dec – 31 Jan, 7 expire.
    /// 1 Jan: Oct's bucket ends with its 3 unused (Expired -3); Dec rolls 3 into a bucket 1 Jan – 28 Feb, 7 expire.
    /// </summary>
    [Fact]
    public async Task Rollover_up_to_a_cap_expires_the_rest_and_the_bucket_lives_for_two_periods()
    {
        var purchase = await _studio.SellAsync(await _studio.OpenEndedMembershipAsync("Monthly 10 roll 3", 10, rollover: RolloverRule.UpTo, rolloverCap: 3,
            rolloverExpiresAfter: 2), _maya);
        await _studio.UseAsync(purchase.Periods[0], 2);

        await PassOnAsync(2026, 11, 1);
        var p1 = (await _studio.RowsAsync(purchase.Id)).Where(r => r.PeriodId == purchase.Periods[0].Id).ToList();
        Assert.Equal([(LedgerKind.Grant, 10, 10), (LedgerKind.BookingUse, 1, 10), (LedgerKind.BookingUse, 1, 10), (LedgerKind.RolledOver, -3, 7), (LedgerKind.Expired, -5, 2)],
            p1.Select(r => (r.Kind, r.Amount, r.MaxAfter ?? -1)));
        await PassOnAsync(2026, 12, 1);
        await PassOnAsync(2027, 1, 1);

        Assert.Equal([(1, "2026-10-01..2026-10-31", 2, 2, false), (1, "2026-11-01..2026-12-31", 0, 0, true), (2, "2026-11-01..2026-11-30", 0, 0, false),
            (2, "2026-12-01..2027-01-31", 3, 0, true), (3, "2026-12-01..2026-12-31", 0, 0, false), (3, "2027-01-01..2027-02-28", 3, 0, true),
            (4, "2027-01-01..2027-01-31", 10, 0, false), (5, "2027-02-01..2027-02-28", 10, 0, false)], (await _studio.PeriodsAsync(purchase.Id)).Shape());
        Assert.Equal([-5, -7, -3, -7], (await _studio.RowsAsync(purchase.Id, LedgerKind.Expired)).OrderBy(r => r.AtUtc).ThenBy(r => r.Id).Select(r => r.Amount));
    }

    /// <summary>
    /// Fixed term of 2 periods, rolling all: Oct rolls its 5 into Nov's bucket (period 2 exists), but Nov is the last period:
    /// on 1 Dec nothing rolls out of it, its 5 expire, and so do the bucket's 5.
    /// </summary>
    [Fact]
    public async Task At_the_end_of_a_membership_that_does_not_renew_nothing_rolls_and_everything_expires()
    {
        var item = (await _studio.Catalog.SaveAsync(TestUsers.Manager, new CatalogItemInput
        {
            Kind = CatalogKind.Membership, Name = "Two Months", Price = 50, LocationId = _studio.Location.Id, CreditsPerPeriod = 5,
            Renewal = RenewalKind.FixedTerm, PeriodCount = 2, Rollover = RolloverRule.All, RolloverExpiresAfterPeriods = 3,
        })).Value;
        var purchase = await _studio.SellAsync(item, _maya);

        await PassOnAsync(2026, 11, 1);
        await PassOnAsync(2026, 12, 1);

        Assert.Equal([(1, "2026-10-01..2026-10-31", 0, 0, false), (1, "2026-11-01..2026-11-30", 0, 0, true), (2, "2026-11-01..2026-11-30", 0, 0, false)],
            (await _studio.PeriodsAsync(purchase.Id)).Shape()); // the bucket ends with the membership, however long rolled credits would live
        Assert.Single(await _studio.RowsAsync(purchase.Id, LedgerKind.RolledOver));
        Assert.Equal(2, (await _studio.RowsAsync(purchase.Id, LedgerKind.Expired)).Count);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    public void Dispose() => _studio.Dispose();
}
