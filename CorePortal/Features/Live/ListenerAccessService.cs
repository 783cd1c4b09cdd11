using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Bookings;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Live;

/// <summary>Who may listen to what on the balances hub: the studio team to anything, a member to their own client and pools.</summary>
public sealed class ListenerAccessService(IDbContextFactory<CoreDbContext> dbFactory)
{
    public bool MayListenToClient(ClaimsPrincipal user, int clientId) =>
        BookingAccess.IsStudioTeam(user) || BookingAccess.ClientIdOf(user) == clientId;

    /// <summary>A member may listen to a purchase they own or hold an accepted share on, checked in the database.</summary>
    public async Task<bool> MayListenToPurchaseAsync(ClaimsPrincipal user, int purchaseId, CancellationToken ct = default)
    {
        if (BookingAccess.IsStudioTeam(user)) return true;
        if (BookingAccess.ClientIdOf(user) is not { } clientId) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Purchases.AnyAsync(p => p.Id == purchaseId && p.OwnerClientId == clientId, ct)
            || await db.PurchaseShares.AnyAsync(s => s.PurchaseId == purchaseId && s.ClientId == clientId && s.Status == ShareStatus.Accepted, ct);
    }
}
