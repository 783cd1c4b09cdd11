using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Notifications;

/// <summary>Delivers a push notification to a client. A mobile push provider implements this; the default fills the in-app feed.</summary>
public interface IPushSender
{
    Task SendAsync(int clientId, string text, int? purchaseShareId, CancellationToken ct);
}

/// <summary>Writes the notification into the client's in-app feed, which the profile and the app read.</summary>
public sealed class FeedPushSender(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock) : IPushSender
{
    public async Task SendAsync(int clientId, string text, int? purchaseShareId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        db.Notifications.Add(new Notification { ClientId = clientId, Text = text, PurchaseShareId = purchaseShareId, CreatedAtUtc = clock.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
