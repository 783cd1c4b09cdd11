using CorePortal.Data;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

/// <summary>
/// What a late cancellation and a no-show cost, and the grace allowance: the purchase's catalog item's own policy, or the
/// studio's default (StudioSettings). Source says which ("Studio default" or the item's name).
/// </summary>
public sealed record BookingPolicy(int LateCancelHours, PolicyCost LateCancelCost, PolicyCost NoShowCost, int GraceCount, int GraceWindowDays, string Source)
{
    public const string StudioDefault = "Studio default";
    public const int MaxHours = 168, MaxGrace = 20, MaxWindowDays = 365;

    /// <summary>The rule's name in a ledger note: "Monthly 8's policy" or "the studio's default policy".</summary>
    public string RuleName => Source == StudioDefault ? "the studio's default policy" : $"{Source}'s policy";

    /// <summary>The grace allowance's window in words: "in any 30 days".</summary>
    public string WindowText => GraceWindowDays == 1 ? "in any day" : $"in any {GraceWindowDays} days";

    public static BookingPolicy Of(StudioSettings s) => new(s.LateCancelHours, s.LateCancelCost, s.NoShowCost, s.GraceCount, s.GraceWindowDays, StudioDefault);

    /// <summary>The policy that applies to a purchase's bookings: its item's own, else the studio's default.</summary>
    public static async Task<BookingPolicy> ForPurchaseAsync(CoreDbContext db, int purchaseId, CancellationToken ct)
    {
        var own = await db.Purchases.AsNoTracking().Where(p => p.Id == purchaseId && p.CatalogItem!.HasOwnBookingPolicy)
            .Select(p => new BookingPolicy(p.CatalogItem!.LateCancelHours, p.CatalogItem.LateCancelCost, p.CatalogItem.NoShowCost,
                p.CatalogItem.GraceCount, p.CatalogItem.GraceWindowDays, p.CatalogItem.Name))
            .FirstOrDefaultAsync(ct);
        return own ?? Of(await db.StudioSettings.AsNoTracking().SingleAsync(s => s.Id == StudioSettings.SingletonId, ct));
    }

    /// <summary>The policy's field errors, keyed by the fields' names (the same on the catalog item and the studio default): empty when valid.</summary>
    public static Dictionary<string, string[]> Validate(int? hours, PolicyCost lateCost, PolicyCost noShowCost, int? grace, int? windowDays)
    {
        const string hoursField = "LateCancelHours", lateCostField = "LateCancelCost", noShowField = "NoShowCost", graceField = "GraceCount",
            windowField = "GraceWindowDays";
        var errors = new Dictionary<string, string[]>();
        if (hours is not (>= 0 and <= MaxHours)) errors[hoursField] = [$"Enter the late-cancel window in hours (0 to {MaxHours}; 0: never late)."];
        if (!Enum.IsDefined(lateCost)) errors[lateCostField] = ["Choose whether a late cancellation keeps or returns the credit."];
        if (!Enum.IsDefined(noShowCost)) errors[noShowField] = ["Choose whether a no-show keeps or returns the credit."];
        if (grace is not (>= 0 and <= MaxGrace)) errors[graceField] = [$"Enter the free late cancellations (0 to {MaxGrace})."];
        if (windowDays is not (>= 1 and <= MaxWindowDays)) errors[windowField] = [$"Enter the grace window in days (1 to {MaxWindowDays})."];
        return errors;
    }
}

/// <summary>
/// What cancelling a booking now would do, written once: shown before the cancellation (portal, staff and members' APIs) and
/// applied by it under the write lock. Late: inside the policy's window (measured in real time in the session's location's zone).
/// FreeUnderGrace: late, but the grace allowance covers it; FreeLeft: free late cancellations left after this one.
/// </summary>
public sealed record CancellationConsequence(bool Late, bool KeepsCredit, bool FreeUnderGrace, int FreeLeft, int GraceUsedAfter, string Text, BookingPolicy Policy)
{
    /// <summary>The consequence of cancelling the booking now; null when it does not exist.</summary>
    public static async Task<CancellationConsequence?> OfAsync(CoreDbContext db, int bookingId, TimeProvider clock, CancellationToken ct)
    {
        var b = await db.Bookings.AsNoTracking().Where(x => x.Id == bookingId)
            .Select(x => new { x.ClientId, x.PurchaseId, x.Session!.StartsAt, x.Session.Location!.TimeZoneId }).FirstOrDefaultAsync(ct);
        if (b is null) return null;
        var policy = await BookingPolicy.ForPurchaseAsync(db, b.PurchaseId, ct);
        var left = LocationTime.Until(b.StartsAt, LocationTime.Zone(b.TimeZoneId, clock), clock);
        if (policy.LateCancelHours == 0 || left >= TimeSpan.FromHours(policy.LateCancelHours))
            return new(false, false, false, 0, 0, "Cancelling now returns the credit.", policy);
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-policy.GraceWindowDays);
        var used = await db.Bookings.CountAsync(x => x.ClientId == b.ClientId && x.CancelledLate && x.CancelledAtUtc > since, ct);
        return Decide(policy, used);
    }

    /// <summary>A late cancellation under the policy, when the client who booked has had <paramref name="lateSoFar"/> in the grace window.</summary>
    public static CancellationConsequence Decide(BookingPolicy policy, int lateSoFar)
    {
        var inside = $"This cancellation is inside {policy.LateCancelHours} hour{(policy.LateCancelHours == 1 ? "" : "s")}";
        if (policy.LateCancelCost == PolicyCost.RefundCredit)
            return new(true, false, false, 0, 0, $"{inside}: the credit will be returned ({policy.RuleName}).", policy);
        if (lateSoFar < policy.GraceCount)
        {
            var leftAfter = policy.GraceCount - lateSoFar - 1;
            return new(true, false, true, leftAfter, lateSoFar + 1,
                $"{inside}, but it is free: the credit will be returned. {Free(leftAfter)} left after this ({policy.GraceCount} {policy.WindowText}).", policy);
        }
        var graceText = policy.GraceCount == 0 ? "" : $" No free late cancellations left ({policy.GraceCount} {policy.WindowText}, all used).";
        return new(true, true, false, 0, lateSoFar, $"{inside}: the credit will not be returned.{graceText}", policy);
    }

    private static string Free(int n) => n == 1 ? "1 free late cancellation" : $"{n} free late cancellations";
}
