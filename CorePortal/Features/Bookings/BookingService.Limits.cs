using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Sharing;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

// The owner's control of a shared pool, as booking meets it: what is left of a cap, and the owner's notice of a booking.
public sealed partial class BookingService
{
    private static async Task<List<CreditSource>> WithLimitsAsync(CoreDbContext db, int clientId, DateOnly day, List<CreditSource> sources, CancellationToken ct)
    {
        var purchaseIds = sources.Where(s => s.IsShared).Select(s => s.PurchaseId).ToList();
        var uses = (await ShareUse.ReadAsync(db, db.PurchaseShares.Where(PoolRule.AcceptedShare)
            .Where(s => s.ClientId == clientId && purchaseIds.Contains(s.PurchaseId)), day, ct)).Values.ToDictionary(u => u.PurchaseId);
        return sources.Select(s => s.IsShared && uses.TryGetValue(s.PurchaseId, out var use) ? s with { LimitText = use.LeftText } : s).ToList();
    }

    /// <summary>
    /// The owner asked to hear when this client books: an in-app notification and an email, queued in the booking's transaction
    /// (only for shares that ask, so other bookings pay nothing for it).
    /// </summary>
    private static async Task QueueOwnerNoticeAsync(CoreDbContext db, BookingFacts facts, ShareUse use, DateTime now, CancellationToken ct)
    {
        var owner = await db.Clients.AsNoTracking().Where(c => c.Id == facts.OwnerClientId).Select(c => new { c.FirstName, c.Email }).SingleAsync(ct);
        var text = $"{facts.Client} booked {facts.SessionLabel} with your {facts.PurchaseName}"
            + (use.LeftText is { } left ? $" ({CapUsed(use)})." : ".");
        // No PurchaseShareId on either: the feed and the outbox read that as an invitation.
        db.Notifications.Add(new Notification { ClientId = facts.OwnerClientId, Text = text, CreatedAtUtc = now });
        if (!string.IsNullOrWhiteSpace(owner.Email))
            db.Outbox.Add(new OutboxMessage
            {
                Channel = OutboxChannel.Email, ClientId = facts.OwnerClientId, Recipient = owner.Email,
                Subject = $"{facts.Client} booked with your {facts.PurchaseName}", Body = $"Hi {owner.FirstName}, {text}",
                CreatedAtUtc = now, NextAttemptAtUtc = now,
            });
        await db.SaveChangesAsync(ct);
    }

    // The use read before the debit, plus the booking just made.
    private static string CapUsed(ShareUse use) => (use with { UsedInPeriod = use.UsedInPeriod + 1, UsedTotal = use.UsedTotal + 1 }).LeftText!;
}
