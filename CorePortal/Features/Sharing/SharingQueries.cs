using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Sharing;

public sealed record DeliveryView(OutboxChannel Channel, OutboxStatus Status, int Attempts, string? LastError, DateTime? SentAtUtc, DateTime NextAttemptAtUtc);
/// <summary>
/// One share of a purchase; <c>InvitedAs</c> is the email or barcode the owner typed when they invited through the app; <c>Use</c>
/// the client's limits and use against them today (for shares that hold a place).
/// </summary>
public sealed record AuthorizedUserView(int ShareId, int ClientId, string Name, ShareStatus Status, DateTime InvitedAtUtc,
    DateTime? RespondedAtUtc, DateTime? RemovedAtUtc, IReadOnlyList<DeliveryView> Deliveries, string? InvitedAs = null, ShareUse? Use = null);
public sealed record HistoryView(string Text, string Actor, DateTime AtUtc);
public sealed record PurchaseSharingView(int PurchaseId, string Name, int OwnerClientId, string OwnerName, string LocationName,
    DateOnly EndsOn, bool IsOver, bool AllowSharing, int? SharingLimit, string TermsNote, string CatalogComparison, int PlacesLeft,
    IReadOnlyList<AuthorizedUserView> Users, IReadOnlyList<HistoryView> History);
public sealed record SharedWithMeView(int ShareId, int PurchaseId, string Name, int OwnerClientId, string OwnerName, string LocationName,
    ShareStatus Status, DateOnly EndsOn, int? Remaining, bool Unlimited);

/// <summary>What the sharing panels show, read without tracking, for callers <see cref="Access"/> lets read them.</summary>
public sealed class SharingQueries(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Who holds a place on the purchase and its history: the studio team, or the owner through the app.</summary>
    public async Task<ServiceResult<PurchaseSharingView>> PurchaseAsync(ClaimsPrincipal user, int purchaseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var p = await db.Purchases.AsNoTracking().Where(x => x.Id == purchaseId).Select(x => new
        {
            x.Id, x.Name, x.OwnerClientId, Owner = x.OwnerClient!.FirstName + " " + x.OwnerClient.LastName, Location = x.Location!.Name, x.EndsOn,
            x.AllowSharing, x.SharingLimit, x.SharingTermsNote, x.Status, ItemSharing = x.CatalogItem!.AllowSharing, ItemLimit = x.CatalogItem.SharingLimit,
        }).SingleOrDefaultAsync(ct);
        if (p is null) return ServiceResult.Failure<PurchaseSharingView>(ServiceResult.NotFound("There is no such purchase."));
        if (!Access.CanReadClient(user, p.OwnerClientId))
            return ServiceResult.Failure<PurchaseSharingView>(ServiceResult.Forbidden("Only the owner can share this package."));

        var shares = await db.PurchaseShares.AsNoTracking().Where(s => s.PurchaseId == purchaseId).OrderBy(s => s.Id)
            .Select(s => new
            {
                s.Id, s.ClientId, Name = s.Client!.FirstName + " " + s.Client.LastName, s.Status, s.InvitedAtUtc, s.RespondedAtUtc, s.RemovedAtUtc,
                InvitedAs = db.ShareRequests.Where(r => r.PurchaseShareId == s.Id).OrderBy(r => r.Id).Select(r => r.Contact).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var shareIds = shares.Select(s => s.Id).ToList();
        var deliveries = await db.Outbox.AsNoTracking().Where(m => m.PurchaseShareId != null && shareIds.Contains(m.PurchaseShareId.Value))
            .Select(m => new { ShareId = m.PurchaseShareId!.Value, View = new DeliveryView(m.Channel, m.Status, m.Attempts, m.LastError, m.SentAtUtc, m.NextAttemptAtUtc) })
            .ToListAsync(ct);
        var history = await db.PurchaseHistory.AsNoTracking().Where(h => h.PurchaseId == purchaseId).OrderByDescending(h => h.Id)
            .Select(h => new HistoryView(h.Text, h.Actor, h.AtUtc)).ToListAsync(ct);

        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var uses = await ShareUse.ReadAsync(db, db.PurchaseShares.Where(s => s.PurchaseId == purchaseId
            && (s.Status == ShareStatus.Pending || s.Status == ShareStatus.Accepted)), today, ct);
        var users = shares.Select(s => new AuthorizedUserView(s.Id, s.ClientId, s.Name, s.Status, s.InvitedAtUtc, s.RespondedAtUtc, s.RemovedAtUtc,
            deliveries.Where(d => d.ShareId == s.Id).Select(d => d.View).ToList(), s.InvitedAs, uses.GetValueOrDefault(s.Id))).ToList();
        var holding = shares.Count(s => s.Status is ShareStatus.Pending or ShareStatus.Accepted);
        var isOver = p.Status != PurchaseStatus.Active || p.EndsOn < today;
        return ServiceResult.Success(new PurchaseSharingView(p.Id, p.Name, p.OwnerClientId, p.Owner, p.Location, p.EndsOn, isOver, p.AllowSharing, p.SharingLimit,
            p.SharingTermsNote, Compare(p.AllowSharing, p.SharingLimit, p.ItemSharing, p.ItemLimit), Math.Max(0, (p.SharingLimit ?? 0) - holding), users, history));
    }

    /// <summary>Purchases other clients have shared with this one, with the pool's balance in the current time frame.</summary>
    public async Task<ServiceResult<List<SharedWithMeView>>> SharedWithClientAsync(ClaimsPrincipal user, int clientId, CancellationToken ct = default)
    {
        if (!Access.CanReadClient(user, clientId)) return ServiceResult.Failure<List<SharedWithMeView>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var rows = await db.PurchaseShares.AsNoTracking()
            .Where(s => s.ClientId == clientId && (s.Status == ShareStatus.Pending || s.Status == ShareStatus.Accepted))
            .OrderByDescending(s => s.Id)
            .Select(s => new
            {
                s.Id, s.PurchaseId, s.Purchase!.Name, s.Purchase.OwnerClientId, Owner = s.Purchase.OwnerClient!.FirstName + " " + s.Purchase.OwnerClient.LastName,
                Location = s.Purchase.Location!.Name, s.Status, s.Purchase.EndsOn,
                Current = s.Purchase.Periods.Where(p => p.StartsOn <= today && today <= p.EndsOn).Select(p => new { p.MaxCredits, p.UsedCredits }).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return ServiceResult.Success(rows.Select(r => new SharedWithMeView(r.Id, r.PurchaseId, r.Name, r.OwnerClientId, r.Owner, r.Location, r.Status, r.EndsOn,
            r.Current is null ? 0 : r.Current.MaxCredits - r.Current.UsedCredits, r.Current is not null && r.Current.MaxCredits is null)).ToList());
    }

    /// <summary>What an invitation link is about, while it can still be answered.</summary>
    public async Task<InvitationNames?> InvitationAsync(string token, CancellationToken ct = default)
    {
        var hash = Notifications.OutboxDelivery.HashToken(token);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.PurchaseShares.AsNoTracking()
            .Where(s => s.TokenHash == hash && s.TokenExpiresAtUtc > now && s.Status == ShareStatus.Pending)
            .Select(s => new InvitationNames(s.Purchase!.OwnerClient!.FirstName + " " + s.Purchase.OwnerClient.LastName, s.Purchase.Name, s.Purchase.Location!.Name))
            .SingleOrDefaultAsync(ct);
    }

    // The snapshot rule in words: the catalog may have changed since the sale; the purchase keeps its own terms.
    private static string Compare(bool allow, int? limit, bool itemAllow, int? itemLimit)
    {
        if (allow == itemAllow && (!allow || limit == itemLimit)) return "These are also the item's current terms.";
        var now = itemAllow ? $"sharing with up to {itemLimit} clients" : "sharing off";
        return $"The item is now set to {now}; this purchase keeps its own terms (changes apply to new sales only, and never revoke shares already made).";
    }
}
