using CorePortal.Data;

namespace CorePortal.Features.Sharing;

/// <summary>Names that go into an invitation: "[Client Name] has shared [Package Name] with you for use at [Location Name]."</summary>
public sealed record InvitationNames(string OwnerName, string PackageName, string LocationName)
{
    public string Message => $"{OwnerName} has shared {PackageName} with you for use at {LocationName}.";
}

/// <summary>The sharing rules both the sale and later additions apply, and the rows an invitation writes.</summary>
public static class ShareInvitations
{
    public const string ClientsField = "SharedClientIds";

    public const string NotAllowed = "Sharing is not allowed on this purchase.";

    private static string Full(int limit) => $"All {limit} sharing places are taken. Remove someone to free a place.";

    /// <summary>
    /// Why this purchase takes nobody more, whoever is named, or null: what its owner may hear before anyone named is looked
    /// up (the members' app, which must not tell whether a person is a client).
    /// </summary>
    public static string? PurchaseRefusal(bool allowSharing, int? limit, int holdingCount) =>
        !allowSharing || limit is null ? NotAllowed : holdingCount >= limit ? Full(limit.Value) : null;

    /// <summary>Why these clients cannot be added, or null when they can.</summary>
    public static string? Refusal(bool allowSharing, int? limit, int ownerClientId, IReadOnlyCollection<int> holdingPlaces, IReadOnlyCollection<int> newClientIds)
    {
        if (newClientIds.Count == 0) return null;
        if (!allowSharing || limit is null) return NotAllowed;
        if (newClientIds.Contains(ownerClientId)) return "The main client already owns this package; choose someone else.";
        if (newClientIds.Distinct().Count() != newClientIds.Count || newClientIds.Any(holdingPlaces.Contains))
            return "That client is already authorized on this package.";
        var left = limit.Value - holdingPlaces.Count;
        if (newClientIds.Count > left)
            return left <= 0
                ? Full(limit.Value)
                : $"Only {left} more {(left == 1 ? "client" : "clients")} can be added (the limit is {limit}).";
        return null;
    }

    /// <summary>
    /// Adds a pending share with its email, its push notification and a history line. Runs inside the caller's
    /// transaction; saves once so the messages can name the share.
    /// </summary>
    public static async Task<PurchaseShare> InviteAsync(CoreDbContext db, int purchaseId, Client client, InvitationNames names, string actor, DateTime now, CancellationToken ct)
    {
        var share = new PurchaseShare { PurchaseId = purchaseId, ClientId = client.Id, Status = ShareStatus.Pending, InvitedAtUtc = now };
        db.PurchaseShares.Add(share);
        db.PurchaseHistory.Add(new PurchaseHistoryEntry { PurchaseId = purchaseId, Text = $"{client.FullName} invited to share.", Actor = actor, AtUtc = now });
        await db.SaveChangesAsync(ct);

        var subject = $"{names.OwnerName} shared {names.PackageName} with you";
        foreach (var channel in new[] { OutboxChannel.Email, OutboxChannel.Push })
            db.Outbox.Add(new OutboxMessage
            {
                Channel = channel, ClientId = client.Id, PurchaseShareId = share.Id,
                Recipient = channel == OutboxChannel.Email ? client.Email : client.FullName,
                Subject = subject, Body = names.Message, CreatedAtUtc = now, NextAttemptAtUtc = now,
            });
        await db.SaveChangesAsync(ct);
        return share;
    }
}
