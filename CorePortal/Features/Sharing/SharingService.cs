using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Live;
using CorePortal.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Sharing;

/// <summary>Who may book from a purchase: adding, answering and removing authorized clients.</summary>
public sealed class SharingService(IDbContextFactory<CoreDbContext> dbFactory, BalanceFeed feed, OutboxSignal outbox, TimeProvider clock)
{
    /// <summary>
    /// Invites one more client onto a purchase: within the limit (pending and accepted both hold a place), before it
    /// ends, never the owner, never twice. Staff, or the owner through the app.
    /// </summary>
    public async Task<ServiceResult> AddShareAsync(ClaimsPrincipal user, int purchaseId, int clientId, CancellationToken ct = default)
    {
        if (!Access.CanShare(user)) return ServiceResult.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        // The count of places below decides the insert: invitations, answers and removals of this purchase on any server wait here.
        await tx.LockAsync(LockNames.Purchase(purchaseId), ct);
        var purchase = await db.Purchases.Include(p => p.OwnerClient).Include(p => p.Location).SingleOrDefaultAsync(p => p.Id == purchaseId, ct);
        if (purchase is null) return ServiceResult.NotFound("There is no such purchase.");
        if (!Access.CanShare(user, purchase.OwnerClientId)) return ServiceResult.Forbidden("Only the owner can share this package.");
        var client = await db.Clients.SingleOrDefaultAsync(c => c.Id == clientId, ct);
        if (client is null) return ServiceResult.Invalid(ShareInvitations.ClientsField, "Choose a client to share with.");
        if (purchase.Status != PurchaseStatus.Active || purchase.EndsOn < Today())
            return ServiceResult.Invalid(ShareInvitations.ClientsField, $"This package ended on {purchase.EndsOn:d MMM yyyy}; it can no longer be shared.");

        var holding = await db.PurchaseShares
            .Where(s => s.PurchaseId == purchaseId && (s.Status == ShareStatus.Pending || s.Status == ShareStatus.Accepted))
            .Select(s => s.ClientId).ToListAsync(ct);
        if (ShareInvitations.Refusal(purchase.AllowSharing, purchase.SharingLimit, purchase.OwnerClientId, holding, [clientId]) is { } refusal)
            return purchase.AllowSharing && holding.Count >= purchase.SharingLimit
                ? ServiceResult.Conflict(refusal) // the limit is reached: a state of the purchase, not bad input
                : ServiceResult.Invalid(ShareInvitations.ClientsField, refusal);

        var names = new InvitationNames(purchase.OwnerClient!.FullName, purchase.Name, purchase.Location!.Name);
        await ShareInvitations.InviteAsync(db, purchaseId, client, names, user.ActorName(), Now(), ct);
        await tx.CommitAsync(ct);
        outbox.Poke();
        return ServiceResult.Ok($"{client.FullName} has been invited.");
    }

    /// <summary>Accepts a pending invitation: the invited client through the app, or staff on their behalf.</summary>
    public Task<ServiceResult> AcceptAsync(ClaimsPrincipal user, int shareId, CancellationToken ct = default) =>
        AnswerAsync(s => s.Id == shareId, accept: true, user, ct);

    /// <summary>Declines a pending invitation: the invited client through the app, or staff on their behalf.</summary>
    public Task<ServiceResult> DeclineAsync(ClaimsPrincipal user, int shareId, CancellationToken ct = default) =>
        AnswerAsync(s => s.Id == shareId, accept: false, user, ct);

    /// <summary>The client answers through the link in the email: single use, and only before it expires.</summary>
    public Task<ServiceResult> RespondByTokenAsync(string token, bool accept, CancellationToken ct = default)
    {
        var hash = OutboxDelivery.HashToken(token);
        var now = Now();
        return AnswerAsync(s => s.TokenHash == hash && s.TokenExpiresAtUtc > now, accept, user: null, ct);
    }

    /// <summary>
    /// Takes a client off a purchase at any time (staff, or the owner through the app); the place is freed and what
    /// they used stays in the history.
    /// </summary>
    public async Task<ServiceResult> RemoveAsync(ClaimsPrincipal user, int shareId, CancellationToken ct = default)
    {
        if (!Access.CanShare(user)) return ServiceResult.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        await LockPurchaseOfAsync(db, tx, s => s.Id == shareId, ct);
        var share = await db.PurchaseShares.Include(s => s.Client).Include(s => s.Purchase).SingleOrDefaultAsync(s => s.Id == shareId, ct);
        if (share is null) return ServiceResult.NotFound("There is no such authorized client.");
        if (!Access.CanShare(user, share.Purchase!.OwnerClientId)) return ServiceResult.Forbidden("Only the owner can remove clients from this package.");
        // A member hears the name of a client who accepted; an invitation they made by email or barcode stays unnamed.
        var who = Access.MemberClientId(user) is null || share.Status == ShareStatus.Accepted ? share.Client!.FullName : "The person invited";
        if (share.Status is not (ShareStatus.Pending or ShareStatus.Accepted))
            return ServiceResult.Conflict($"{who} is no longer authorized on this package.");
        var wasAccepted = share.Status == ShareStatus.Accepted;
        share.Status = ShareStatus.Removed;
        share.RemovedAtUtc = Now();
        share.TokenHash = null;
        db.PurchaseHistory.Add(new PurchaseHistoryEntry { PurchaseId = share.PurchaseId, Text = $"{share.Client!.FullName} removed.", Actor = user.ActorName(), AtUtc = Now() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (wasAccepted) await PublishPurchaseAsync(db, share.PurchaseId, ct);
        return ServiceResult.Ok($"{who} has been removed.");
    }

    // user is null when the client answers through the emailed link (the token is their proof).
    private async Task<ServiceResult> AnswerAsync(System.Linq.Expressions.Expression<Func<PurchaseShare, bool>> which, bool accept, ClaimsPrincipal? user, CancellationToken ct)
    {
        if (user is not null && !Access.CanAnswerInvitations(user)) return ServiceResult.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        await LockPurchaseOfAsync(db, tx, which, ct);
        // Read after the lock: an answer or removal that committed meanwhile is seen here (a used link no longer matches).
        var share = await db.PurchaseShares.Include(s => s.Client).Include(s => s.Purchase).SingleOrDefaultAsync(which, ct);
        if (share is null) return ServiceResult.NotFound("This invitation link is not valid any more. Ask the studio to send a new one.");
        if (user is not null && !Access.CanAnswerInvitation(user, share.ClientId)) return ServiceResult.Forbidden("Only the invited client can answer this invitation.");
        var actor = user is null || Access.MemberClientId(user) is not null ? share.Client!.FullName : $"{user.ActorName()} for the client";
        if (share.Status != ShareStatus.Pending)
            return ServiceResult.Conflict($"This invitation was already {share.Status.ToString().ToLowerInvariant()}.");
        if (accept && share.Purchase!.EndsOn < Today())
            return ServiceResult.Conflict($"{share.Purchase.Name} ended on {share.Purchase.EndsOn:d MMM yyyy}.");
        share.Status = accept ? ShareStatus.Accepted : ShareStatus.Declined;
        share.RespondedAtUtc = Now();
        share.TokenHash = null; // single use
        share.TokenExpiresAtUtc = null;
        var verb = accept ? "accepted" : "declined";
        db.PurchaseHistory.Add(new PurchaseHistoryEntry
        {
            PurchaseId = share.PurchaseId, Text = $"{share.Client!.FullName} {verb} the invitation.", Actor = actor, AtUtc = Now(),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (accept) await PublishPurchaseAsync(db, share.PurchaseId, ct);
        return ServiceResult.Ok(accept ? $"{share.Client.FullName} can now book with {share.Purchase!.Name}." : $"{share.Client.FullName} declined {share.Purchase!.Name}.");
    }


    // Finds the share's purchase without locking, then locks it: the caller reads the share again after the lock.
    private static async Task LockPurchaseOfAsync(CoreDbContext db, WriteTransaction tx, System.Linq.Expressions.Expression<Func<PurchaseShare, bool>> which, CancellationToken ct)
    {
        if (await db.PurchaseShares.AsNoTracking().Where(which).Select(s => (int?)s.PurchaseId).FirstOrDefaultAsync(ct) is { } purchaseId)
            await tx.LockAsync(LockNames.Purchase(purchaseId), ct);
    }

    // Who may see a balance changed, so listeners learn it through the same feed as credit changes.
    private async Task PublishPurchaseAsync(CoreDbContext db, int purchaseId, CancellationToken ct)
    {
        var periodIds = await db.CreditPeriods.Where(p => p.PurchaseId == purchaseId).Select(p => p.Id).ToListAsync(ct);
        await feed.PublishPeriodsAsync(db, periodIds, ct);
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
}
