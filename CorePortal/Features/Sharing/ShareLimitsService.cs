using System.Globalization;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Live;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Sharing;

/// <summary>What the owner allows one authorized client: caps (null: none), a pause, and whether to hear of their bookings (null: unchanged).</summary>
public sealed record ShareLimits(int? CapPerPeriod, int? CapTotal, bool Paused, bool? NotifyOwner = null);

/// <summary>The owner's control of a shared pool, per authorized client; the pool rule (<see cref="PoolRule.MayBook"/>) enforces it.</summary>
public sealed class ShareLimitsService(IDbContextFactory<CoreDbContext> dbFactory, BalanceFeed feed, TimeProvider clock)
{
    public const string CapPerPeriodField = "capPerPeriod";
    public const string CapTotalField = "capTotal";
    public const int MaxCap = 999;

    /// <summary>
    /// Sets one authorized client's limits: the purchase's owner (through the app) or the front desk for them. A history row says
    /// what changed. Caps bind bookings made from now on; credits already in use stay booked.
    /// </summary>
    public async Task<ServiceResult> SetLimitsAsync(ClaimsPrincipal user, int shareId, ShareLimits limits, CancellationToken ct = default)
    {
        if (!Access.CanShare(user)) return ServiceResult.Forbidden();
        var errors = new Dictionary<string, string[]>();
        if (limits.CapPerPeriod is < 1 or > MaxCap) errors[CapPerPeriodField] = [$"A cap per period is between 1 and {MaxCap} credits, or none."];
        if (limits.CapTotal is < 1 or > MaxCap) errors[CapTotalField] = [$"A cap over the whole purchase is between 1 and {MaxCap} credits, or none."];
        if (errors.Count > 0) return ServiceResult.Invalid(errors);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        if (await db.PurchaseShares.AsNoTracking().Where(s => s.Id == shareId).Select(s => (int?)s.PurchaseId).FirstOrDefaultAsync(ct) is { } purchaseId)
            await tx.LockAsync(LockNames.Purchase(purchaseId), ct); // with the share's other answers and removals
        var share = await db.PurchaseShares.Include(s => s.Client).Include(s => s.Purchase).SingleOrDefaultAsync(s => s.Id == shareId, ct);
        if (share is null) return ServiceResult.NotFound("There is no such authorized client.");
        if (!Access.CanShare(user, share.Purchase!.OwnerClientId)) return ServiceResult.Forbidden("Only the owner can set limits on this package.");
        if (share.Status is not (ShareStatus.Pending or ShareStatus.Accepted))
            return ServiceResult.Conflict($"{share.Client!.FullName} is no longer authorized on {share.Purchase.Name}.");

        var changes = Changes(share, limits);
        if (changes.Count == 0) return ServiceResult.Ok("Nothing changed.");
        share.CapPerPeriod = limits.CapPerPeriod;
        share.CapTotal = limits.CapTotal;
        share.Paused = limits.Paused;
        share.NotifyOwnerOnBooking = limits.NotifyOwner ?? share.NotifyOwnerOnBooking;
        var now = clock.GetUtcNow().UtcDateTime;
        db.PurchaseHistory.Add(new PurchaseHistoryEntry
        {
            PurchaseId = share.PurchaseId, Text = $"Limits for {share.Client!.FullName}: {string.Join("; ", changes)}.", Actor = user.ActorName(), AtUtc = now,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        // Screens offering this pool (the book dialog, the panels) refresh on the balance feed.
        var periodIds = await db.CreditPeriods.Where(p => p.PurchaseId == share.PurchaseId).Select(p => p.Id).ToListAsync(CancellationToken.None);
        await feed.PublishPeriodsAsync(db, periodIds, CancellationToken.None);
        return ServiceResult.Ok($"Limits saved for {share.Client.FullName}.");
    }

    private static List<string> Changes(PurchaseShare share, ShareLimits limits)
    {
        var changes = new List<string>();
        if (share.CapPerPeriod != limits.CapPerPeriod) changes.Add($"cap per period {Cap(limits.CapPerPeriod)} (was {Cap(share.CapPerPeriod)})");
        if (share.CapTotal != limits.CapTotal) changes.Add($"cap over the purchase {Cap(limits.CapTotal)} (was {Cap(share.CapTotal)})");
        if (share.Paused != limits.Paused) changes.Add(limits.Paused ? "paused" : "no longer paused");
        if (limits.NotifyOwner is { } notify && notify != share.NotifyOwnerOnBooking)
            changes.Add(notify ? "the owner is told of each booking" : "the owner is no longer told of bookings");
        return changes;
    }

    private static string Cap(int? cap) => cap is { } n ? n.ToString(CultureInfo.InvariantCulture) : "none";
}
