using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Clients;
using CorePortal.Features.Common;
using CorePortal.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CorePortal.Features.Sharing;

/// <summary>
/// A member shares one of their purchases through the app by naming someone: an exact email (any case) or an exact barcode.
/// The answer never tells whether that person is a client of the studio (an unknown address, a client who cannot be invited
/// and a client who is invited all answer alike), so the app cannot be used to find out who the studio's clients are; and
/// each member may ask only so often a day. What the member may know of their own purchase (not shareable, ended, full)
/// keeps its own message. Staff share by picking the client (<see cref="SharingService.AddShareAsync"/>) and hear why not.
/// </summary>
public sealed class MemberInvitationService(IDbContextFactory<CoreDbContext> dbFactory, OutboxSignal outbox, IOptions<SharingOptions> options, TimeProvider clock)
{
    /// <summary>The field of the email or barcode, for its validation errors.</summary>
    public const string ContactField = "EmailOrBarcode";

    public const int ContactMaxLength = 200;

    /// <summary>The one answer to a request that reached the lookup, whoever it named.</summary>
    public static string Answer(string contact) => $"If {contact} is a client of the studio, they have been invited.";

    /// <summary>
    /// Invites the client with this email or barcode onto the member's own purchase, if there is one who can be invited;
    /// answers <see cref="Answer"/> either way. Checked in the order the owner should hear it: what they typed, the purchase
    /// and that it is theirs, their daily limit, the purchase's places; only then the person named.
    /// </summary>
    public async Task<ServiceResult> InviteByContactAsync(ClaimsPrincipal user, int purchaseId, string? emailOrBarcode, CancellationToken ct = default)
    {
        if (Access.MemberClientId(user) is not { } me) return ServiceResult.Forbidden();
        var contact = emailOrBarcode?.Trim() ?? "";
        if (contact.Length == 0) return ServiceResult.Invalid(ContactField, "Enter the email or barcode of the person to share with.");
        if (contact.Length > ContactMaxLength || contact.Any(char.IsControl))
            return ServiceResult.Invalid(ContactField, $"Enter an email or a barcode of at most {ContactMaxLength} characters.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        // The member's lock first, then the purchase's (staff take only the purchase's): the count below decides the insert.
        await tx.LockAsync(LockNames.MemberInvitations(me), ct);
        await tx.LockAsync(LockNames.Purchase(purchaseId), ct);
        var purchase = await db.Purchases.Include(p => p.OwnerClient).Include(p => p.Location).SingleOrDefaultAsync(p => p.Id == purchaseId, ct);
        if (purchase is null) return ServiceResult.NotFound("There is no such purchase.");
        if (!Access.CanShare(user, purchase.OwnerClientId)) return ServiceResult.Forbidden("Only the owner can share this package.");

        var now = clock.GetUtcNow().UtcDateTime;
        var limit = options.Value.MemberInvitationsPerDay;
        if (await db.ShareRequests.CountAsync(r => r.RequestedByClientId == me && r.AtUtc > now.AddDays(-1), ct) >= limit)
            return ServiceResult.TooManyRequests($"You can share with at most {limit} people a day. Try again tomorrow, or ask the studio.");

        var holding = await db.PurchaseShares
            .Where(s => s.PurchaseId == purchaseId && (s.Status == ShareStatus.Pending || s.Status == ShareStatus.Accepted))
            .Select(s => s.ClientId).ToListAsync(ct);
        if (purchase.Status != PurchaseStatus.Active || purchase.EndsOn < DateOnly.FromDateTime(clock.GetLocalNow().DateTime))
            return ServiceResult.Invalid(ContactField, $"This package ended on {purchase.EndsOn:d MMM yyyy}; it can no longer be shared.");
        if (ShareInvitations.PurchaseRefusal(purchase.AllowSharing, purchase.SharingLimit, holding.Count) is { } refusal)
            return purchase.AllowSharing ? ServiceResult.Conflict(refusal) : ServiceResult.Invalid(ContactField, refusal);

        // From here the answer is the same whoever was named: the owner themself, someone already invited and nobody at all
        // are told what an invitation is told, and the request counts against the limit alike.
        var request = new ShareRequest { RequestedByClientId = me, PurchaseId = purchaseId, AtUtc = now };
        db.ShareRequests.Add(request);
        var client = await FindClientAsync(db, contact, ct);
        if (client is not null && ShareInvitations.Refusal(purchase.AllowSharing, purchase.SharingLimit, purchase.OwnerClientId, holding, [client.Id]) is null)
        {
            var names = new InvitationNames(purchase.OwnerClient!.FullName, purchase.Name, purchase.Location!.Name);
            var share = await ShareInvitations.InviteAsync(db, purchaseId, client, names, user.ActorName(), now, ct);
            (request.PurchaseShareId, request.Contact) = (share.Id, contact);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (request.PurchaseShareId is not null) outbox.Poke();
        return ServiceResult.Ok(Answer(contact));
    }

    private static async Task<Client?> FindClientAsync(CoreDbContext db, string contact, CancellationToken ct)
    {
        var emailKey = ClientSearchKeys.Text(contact);
        var clients = contact.Contains('@', StringComparison.Ordinal) ? db.Clients.Where(c => c.EmailKey == emailKey) : db.Clients.Where(c => c.Barcode == contact);
        return await clients.OrderBy(c => c.Id).FirstOrDefaultAsync(ct);
    }
}
