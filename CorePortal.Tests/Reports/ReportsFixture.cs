using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Reports;

/// <summary>
/// A small studio whose report figures are worked out by hand, made through the app's services with the clock moved to
/// each day. Every item costs $100.00. Mondays: 2 Nov, 9 Nov, 16 Nov, 23 Nov 2026 (today, 23 Nov, nothing happens).
///  10 Oct  Leo buys Monthly 8 (a sale starts the day it is made): periods 10 Oct–9 Nov, 10 Nov–9 Dec, 10 Dec–9 Jan, 8 credits
///          each, 24 granted on 10 Oct, before the November range. The first period ends on 9 Nov with its 8 credits unused.
///   2 Nov  Maya buys the shareable 10-Class Pack (2 Nov – 30 Jan), shared at the sale with Leo, Ava and Noah; Leo accepts,
///          Noah declines, Ava never answers. From the pack Maya books Yoga on 21 Nov and Pilates on 3 Nov, Leo books Spin on
///          3 Nov: 3 credits used on 2 Nov.
///  10 Nov  Leo books two classes that day from Monthly 8's second period: 2 used.
///  16 Nov  Sam Staff adds 2 to the pack ("Goodwill"); Mia Manager deducts 1 from Monthly 8's third period ("Sold by mistake").
///  20 Nov  Maya cancels her Yoga: a refund (pack used 3 → 2). Maya buys Unlimited Monthly (20 Nov – 19 Feb).
/// Worked out:
///   Remaining today: pack max 10 + 2 = 12, used 2 → 10, at $100 / 10 = $10.00 a credit → $100.00. Monthly 8: first period
///     ended; 8 − 2 = 6 and 8 − 1 = 7 → 13, at $100 / 24 = 416.67¢ → $54.17. End of 15 Nov: pack 10 − 3 = 7 ($70.00), Monthly
///     8: 6 + 8 = 14 → $58.33. End of 5 Nov: pack 7 ($70.00), Monthly 8: 8 + 8 + 8 = 24 → $100.00.
///   Usage per week, 2–23 Nov: 2 Nov granted 10, used 3; 9 Nov used 2, expired 8 (Monthly 8's first period); 16 Nov refunded 1,
///     adjusted +2 − 1 = 1 (Unlimited's grant moves no credits).
///   Sharing: 1 shared purchase, 1 authorized client (Leo), 4 live visits booked in the range (Maya's Pilates, Leo's Spin and
///     Leo's two Monthly 8 classes; the cancelled Yoga does not count), 1 of them by someone other than the owner (Leo's Spin
///     from Maya's pack), 1 pending invitation (Ava), 1 declined (Noah).
/// </summary>
public static class ReportsFixture
{
    public static readonly DateOnly Today = new(2026, 11, 23);

    /// <summary>Writes the studio through the builder (its clock is left on today, 23 Nov 10:00); the pack and Monthly 8.</summary>
    public static async Task<(Purchase Pack, Purchase Monthly)> BuildAsync(StudioBuilder studio)
    {
        var clock = studio.Clock;
        await studio.WithLocationAsync();
        var maya = await studio.ClientAsync("Maya", "Chen");
        var leo = await studio.ClientAsync("Leo", "Chen");
        var ava = await studio.ClientAsync("Ava", "Stone");
        var noah = await studio.ClientAsync("Noah", "Park");
        var packItem = await studio.PackageAsync("10-Class Pack", 10, validityDays: 90, sharingLimit: 3);
        var monthlyItem = await studio.MembershipAsync("Monthly 8", 8);
        var unlimitedItem = await studio.MembershipAsync("Unlimited Monthly", null);

        clock.Now = At(2026, 10, 10);
        var monthly = await studio.SellAsync(monthlyItem, leo);

        clock.Now = At(2026, 11, 2);
        var pack = await studio.SellAsync(packItem, maya, null, leo, ava, noah);
        await studio.AnswerAsync(pack, leo, ShareStatus.Accepted);
        await studio.AnswerAsync(pack, noah, ShareStatus.Declined);
        var yoga = await studio.BookAsync(await studio.SessionAsync("Yoga", dayOffset: 19, at: new TimeOnly(9, 0)), maya, pack);
        await studio.BookAsync(await studio.SessionAsync("Pilates", dayOffset: 1), maya, pack);
        await studio.BookAsync(await studio.SessionAsync("Spin", dayOffset: 1, at: new TimeOnly(8, 0)), leo, pack);

        clock.Now = At(2026, 11, 10);
        await studio.UseAsync(monthly.Periods[1], 2);

        clock.Now = At(2026, 11, 16);
        await studio.AdjustAsync(pack, 0, CreditAction.AddCredits, 2, "Goodwill", TestUsers.Staff);
        await studio.AdjustAsync(monthly, 2, CreditAction.DeductCredits, 1, "Sold by mistake", TestUsers.Manager);

        clock.Now = At(2026, 11, 20);
        var cancelled = await studio.Bookings.CancelAsync(TestUsers.Staff, yoga.BookingId);
        if (!cancelled.Succeeded) throw new InvalidOperationException(cancelled.Message);
        await studio.SellAsync(unlimitedItem, maya);

        clock.Now = At(2026, 11, 23);
        return (await studio.PurchaseAsync(pack.Id), await studio.PurchaseAsync(monthly.Id));
    }

    /// <summary>The note of the refund row: the cancelled class as staff see it.</summary>
    public const string RefundNote = "Yoga on Sat 21 Nov 09:00 cancelled for Maya Chen";

    private static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 10, 0, 0, TimeSpan.Zero);
}
