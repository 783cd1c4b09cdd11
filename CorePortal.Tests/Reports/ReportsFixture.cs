using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CorePortal.Tests.Reports;

/// <summary>
/// A small studio whose report figures are worked out by hand. Every item costs $100.00. Mondays: 2 Nov, 9 Nov, 16 Nov, 23 Nov 2026.
///   2 Nov  Maya buys a shareable 10-Class Pack (2 Nov – 30 Jan); 3 credits used.
///  10 Nov  Leo buys Monthly 8 starting 10 Oct: periods 10 Oct–9 Nov, 10 Nov–9 Dec, 10 Dec–9 Jan, 8 credits each (24 granted);
///          2 used in the second period. The first period ended on 9 Nov with its 8 credits unused.
///  16 Nov  Sam Staff adds 2 to the pack ("Goodwill"); Mia Manager deducts 1 from Monthly 8's third period ("Sold by mistake").
///  20 Nov  One of the pack's bookings is cancelled: a refund (pack used 3 → 2). Maya buys Unlimited Monthly (20 Nov – 19 Feb).
///  21 Nov  The pack is shared with Leo (accepted), Ava (pending) and Noah (declined); Leo books one visit from it, Maya books
///          one, and Maya books and cancels another.
/// </summary>
public static class ReportsFixture
{
    public static readonly DateOnly Today = new(2026, 11, 23);

    public static async Task<(Purchase Pack, Purchase Monthly)> BuildAsync(TestDatabase database, FixedClock clock)
    {
        var studio = new StudioBuilder(database, clock);
        await studio.WithLocationAsync();
        var maya = await studio.ClientAsync("Maya", "Chen");
        var leo = await studio.ClientAsync("Leo", "Chen");
        var ava = await studio.ClientAsync("Ava", "Stone");
        var noah = await studio.ClientAsync("Noah", "Park");

        clock.Now = At(2026, 11, 2);
        var packItem = studio.Package("10-Class Pack", 10);
        packItem.AllowSharing = true;
        packItem.SharingLimit = 3;
        var pack = await studio.SellAsync(packItem, maya, new DateOnly(2026, 11, 2));
        await studio.UseAsync(pack.Periods[0], 3);

        clock.Now = At(2026, 11, 10);
        var monthly = await studio.SellAsync(studio.Membership("Monthly 8", 8), leo, new DateOnly(2026, 10, 10));
        await studio.UseAsync(monthly.Periods[1], 2);

        clock.Now = At(2026, 11, 16);
        var adjustments = new CreditAdjustmentService(database, new BalanceFeed(NullLogger<BalanceFeed>.Instance), new CorePortal.Features.Notifications.OutboxSignal(), clock);
        await AdjustAsync(database, adjustments, StudioBuilder.User(Roles.Staff, "Sam Staff"), pack, 0, CreditAction.AddCredits, 2, "Goodwill");
        await AdjustAsync(database, adjustments, StudioBuilder.User(Roles.Manager, "Mia Manager"), monthly, 2, CreditAction.DeductCredits, 1, "Sold by mistake");

        clock.Now = At(2026, 11, 20);
        await RefundAsync(database, pack.Periods[0].Id, clock);
        await studio.SellAsync(studio.Membership("Unlimited Monthly", null), maya, new DateOnly(2026, 11, 20));

        clock.Now = At(2026, 11, 21);
        await ShareAndBookAsync(database, pack, maya, leo, ava, noah, clock);

        clock.Now = At(2026, 11, 23);
        return (pack, monthly);
    }

    private static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 10, 0, 0, TimeSpan.Zero);

    private static async Task AdjustAsync(TestDatabase database, CreditAdjustmentService service, System.Security.Claims.ClaimsPrincipal user,
        Purchase purchase, int periodIndex, CreditAction action, int amount, string note)
    {
        await using var db = database.CreateDbContext();
        var period = await db.CreditPeriods.AsNoTracking().SingleAsync(p => p.Id == purchase.Periods[periodIndex].Id);
        var result = await service.SaveAsync(user, new CreditAdjustment(purchase.Id, [new PeriodVersion(period.Id, period.Version)], action, amount, Note: note));
        if (!result.Succeeded) throw new InvalidOperationException(result.Message);
    }

    // The way BookingService cancels: the cached Used goes down and a CancellationRefund row of -1 explains it.
    public static async Task RefundAsync(TestDatabase database, int periodId, TimeProvider clock)
    {
        await using var db = database.CreateDbContext();
        await using var tx = await db.BeginWriteAsync();
        var period = await db.CreditPeriods.SingleAsync(p => p.Id == periodId);
        period.UsedCredits--;
        period.Version = Guid.NewGuid();
        db.Ledger.Add(new CreditLedgerEntry
        {
            PurchaseId = period.PurchaseId, PeriodId = period.Id, Kind = LedgerKind.CancellationRefund, Amount = -1,
            MaxAfter = period.MaxCredits, UsedAfter = period.UsedCredits, Actor = "Front Desk", AtUtc = clock.GetUtcNow().UtcDateTime,
            Note = "Yoga cancelled for Maya Chen",
        });
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    private static async Task ShareAndBookAsync(TestDatabase database, Purchase pack, Client maya, Client leo, Client ava, Client noah, TimeProvider clock)
    {
        await using var db = database.CreateDbContext();
        await using var tx = await db.BeginWriteAsync();
        var now = clock.GetUtcNow().UtcDateTime;
        db.PurchaseShares.AddRange(
            new PurchaseShare { PurchaseId = pack.Id, ClientId = leo.Id, Status = ShareStatus.Accepted, InvitedAtUtc = now },
            new PurchaseShare { PurchaseId = pack.Id, ClientId = ava.Id, Status = ShareStatus.Pending, InvitedAtUtc = now },
            new PurchaseShare { PurchaseId = pack.Id, ClientId = noah.Id, Status = ShareStatus.Declined, InvitedAtUtc = now });
        var session = new Session { Name = "Yoga", LocationId = pack.LocationId, Trainer = "Tara", StartsAt = now.AddDays(1), DurationMinutes = 60, Capacity = 10 };
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        Booking Visit(Client who, BookingStatus status) => new()
        {
            SessionId = session.Id, ClientId = who.Id, PurchaseId = pack.Id, PeriodId = pack.Periods[0].Id, Status = status, BookedAtUtc = now,
        };
        db.Bookings.AddRange(Visit(leo, BookingStatus.Booked), Visit(maya, BookingStatus.Booked), Visit(maya, BookingStatus.Cancelled));
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }
}
