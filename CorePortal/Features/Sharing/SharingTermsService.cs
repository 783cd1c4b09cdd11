using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Sharing;

/// <summary>
/// A purchase keeps the sharing terms it was sold with. This is the one deliberate exception: a manager turns
/// sharing on for a single existing purchase, with a limit and a reason, recorded in its history.
/// </summary>
public sealed class SharingTermsService(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    public async Task<ServiceResult> EnableSharingAsync(ClaimsPrincipal user, int purchaseId, string? limitText, string? note, CancellationToken ct = default)
    {
        if (!Access.CanManageSharing(user)) return ServiceResult.Forbidden("Only a manager can change the sharing terms of a purchase.");
        var errors = new Dictionary<string, string[]>();
        var (limit, limitError) = SharingLimit.Parse(limitText);
        if (limitError is not null) errors["SharingLimit"] = [limitError];
        if (string.IsNullOrWhiteSpace(note)) errors["Note"] = ["Say why sharing is turned on for this purchase."];
        else if (note.Length > 300) errors["Note"] = ["Keep the note under 300 characters."];
        if (errors.Count > 0) return ServiceResult.Invalid(errors);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        await tx.LockAsync(SharingService.PurchaseLock(purchaseId), ct); // the count of places decides the new limit
        var purchase = await db.Purchases.SingleOrDefaultAsync(p => p.Id == purchaseId, ct);
        if (purchase is null) return ServiceResult.NotFound("There is no such purchase.");
        var holding = await db.PurchaseShares.CountAsync(s => s.PurchaseId == purchaseId && (s.Status == ShareStatus.Pending || s.Status == ShareStatus.Accepted), ct);
        if (limit < holding)
            return ServiceResult.Invalid("SharingLimit", $"{holding} clients already hold a place; the limit cannot be lower.");

        var now = clock.GetUtcNow().UtcDateTime;
        purchase.AllowSharing = true;
        purchase.SharingLimit = limit;
        purchase.SharingTermsNote = $"Sharing with up to {limit} clients, turned on for this purchase by {user.ActorName()} on {now:d MMM yyyy}: {note!.Trim()}";
        db.PurchaseHistory.Add(new PurchaseHistoryEntry { PurchaseId = purchaseId, Text = $"Sharing turned on with a limit of {limit}: {note.Trim()}", Actor = user.ActorName(), AtUtc = now });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ServiceResult.Ok("Sharing is on for this purchase.");
    }
}
