using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Live;
using CorePortal.Features.Memberships;
using CorePortal.Features.Notifications;
using CorePortal.Features.Sharing;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Sales;

public sealed record SaleItemView(int Id, CatalogKind Kind, string Name, long PriceCents, string LocationName, int? CreditsPerPeriod, bool AllowSharing, int? SharingLimit);
public sealed record SaleRequest(int? CatalogItemId, int? OwnerClientId, IReadOnlyList<int> SharedClientIds);
/// <summary>What a sale ended with. Replayed: the request key had sold already, this is that sale.</summary>
public sealed record SaleReceipt(int PurchaseId, int OwnerClientId, string OwnerName, string ItemName, IReadOnlyList<string> SharedWith, bool Replayed = false);

/// <summary>New Sale: sells a package or membership to a client and shares it with the clients chosen at checkout.</summary>
public sealed class SaleService(IDbContextFactory<CoreDbContext> dbFactory, BalanceFeed feed, OutboxSignal outbox, TimeProvider clock)
{
    /// <summary>What is on sale, packages then memberships, by name: the front desk and up (whoever may sell).</summary>
    public async Task<ServiceResult<IReadOnlyList<SaleItemView>>> ItemsAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!Access.CanEditClients(user)) return ServiceResult.Failure<IReadOnlyList<SaleItemView>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success<IReadOnlyList<SaleItemView>>(await db.CatalogItems.AsNoTracking().Where(i => i.IsActive)
            .OrderBy(i => i.Kind).ThenBy(i => i.Name)
            .Select(i => new SaleItemView(i.Id, i.Kind, i.Name, i.PriceCents, i.Location!.Name, i.CreditsPerPeriod, i.AllowSharing, i.SharingLimit))
            .ToListAsync(ct));
    }

    /// <summary>
    /// Writes the purchase, its time frames, their grant rows and a pending share (with its invitations in the
    /// outbox) per chosen client, all in one transaction; then tells listeners about the new balances.
    /// A request key seen before returns the sale it made instead of selling again.
    /// </summary>
    public async Task<ServiceResult<SaleReceipt>> CheckoutAsync(ClaimsPrincipal user, SaleRequest request, string? requestKey = null, CancellationToken ct = default)
    {
        if (!Access.CanEditClients(user)) return ServiceResult.Failure<SaleReceipt>(ServiceResult.Forbidden());
        requestKey = string.IsNullOrWhiteSpace(requestKey) ? null : requestKey.Trim();
        if (requestKey is { Length: > 100 }) return ServiceResult.Failure<SaleReceipt>(ServiceResult.Invalid("requestKey", "The request key is longer than 100 characters."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // A retry waits for the first attempt to commit, then finds its purchase here: on SQLite in the write queue, on
        // PostgreSQL (writers at once, on any server) on the key's lock.
        await using var tx = await db.BeginWriteAsync(ct);
        if (requestKey is not null)
        {
            await tx.LockAsync(LockNames.RequestKey("sale", requestKey), ct);
            if (await ReplayAsync(db, requestKey, request.OwnerClientId, ct) is { } replay) return replay;
        }

        var item = await db.CatalogItems.Include(i => i.Location).SingleOrDefaultAsync(i => i.Id == request.CatalogItemId && i.IsActive, ct);
        var owner = await db.Clients.SingleOrDefaultAsync(c => c.Id == request.OwnerClientId, ct);
        var errors = new Dictionary<string, string[]>();
        if (item is null) errors[nameof(SaleRequest.CatalogItemId)] = ["Choose a package or membership."];
        if (owner is null) errors[nameof(SaleRequest.OwnerClientId)] = ["Choose the main client."];
        var sharedIds = request.SharedClientIds.ToList();
        var shared = await db.Clients.Where(c => sharedIds.Contains(c.Id)).ToListAsync(ct);
        if (shared.Count != sharedIds.Distinct().Count()) errors[ShareInvitations.ClientsField] = ["One of the chosen clients no longer exists."];
        else if (item is not null && owner is not null
            && ShareInvitations.Refusal(item.AllowSharing, item.SharingLimit, owner.Id, [], sharedIds) is { } refusal)
            errors[ShareInvitations.ClientsField] = [refusal];
        if (errors.Count > 0) return ServiceResult.Failure<SaleReceipt>(ServiceResult.Invalid(errors));

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = user.ActorName();
        var purchase = PurchaseTerms.Create(item!, owner!.Id, DateOnly.FromDateTime(clock.GetLocalNow().DateTime), now);
        purchase.RequestKey = requestKey;
        db.Purchases.Add(purchase);
        // The purchase is new: no other writer can see it, let alone share it, before this commits, so its shares need no lock.
        try
        {
            await db.SaveChangesAsync(ct);
            db.Ledger.AddRange(PurchaseTerms.Grants(purchase, actor, now));
            // An open-ended membership is sold with its next period too, so the member can book into it at once.
            await MembershipRenewal.EnsurePeriodsAsync(db, purchase, purchase.StartsOn, now, ct);
            var names = new InvitationNames(owner.FullName, purchase.Name, item!.Location!.Name);
            foreach (var client in sharedIds.Select(id => shared.Single(c => c.Id == id)))
                await ShareInvitations.InviteAsync(db, purchase.Id, client, names, actor, now, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (requestKey is not null && DbErrors.IsUnique(ex, nameof(Purchase.RequestKey)))
        {
            // Backstop: a writer that took no lock sold with this key first; answer as its replay.
            await using var again = await dbFactory.CreateDbContextAsync(ct);
            if (await ReplayAsync(again, requestKey, request.OwnerClientId, ct) is { } replay) return replay;
            throw;
        }

        await feed.PublishPeriodsAsync(db, purchase.Periods.Select(p => p.Id), ct);
        if (sharedIds.Count > 0) outbox.Poke();
        var sharedNames = sharedIds.Select(id => shared.Single(c => c.Id == id).FullName).ToList();
        return ServiceResult.Success(new SaleReceipt(purchase.Id, owner.Id, owner.FullName, purchase.Name, sharedNames), $"Sold {purchase.Name} to {owner.FullName}.");
    }

    private static async Task<ServiceResult<SaleReceipt>?> ReplayAsync(CoreDbContext db, string requestKey, int? ownerClientId, CancellationToken ct)
    {
        var original = await db.Purchases.AsNoTracking().Where(p => p.RequestKey == requestKey)
            .Select(p => new { p.Id, p.OwnerClientId, Owner = p.OwnerClient!.FirstName + " " + p.OwnerClient.LastName, p.Name })
            .FirstOrDefaultAsync(ct);
        if (original is null) return null;
        if (original.OwnerClientId != ownerClientId)
            return ServiceResult.Failure<SaleReceipt>(ServiceResult.Conflict("This request key was already used for another sale."));
        var shared = await db.PurchaseShares.AsNoTracking().Where(s => s.PurchaseId == original.Id).OrderBy(s => s.Id)
            .Select(s => s.Client!.FirstName + " " + s.Client.LastName).ToListAsync(ct);
        return ServiceResult.Success(new SaleReceipt(original.Id, original.OwnerClientId, original.Owner, original.Name, shared, Replayed: true),
            "This sale was already made.");
    }
}
