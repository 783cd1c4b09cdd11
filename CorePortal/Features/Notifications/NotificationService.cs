using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Notifications;

public sealed record NotificationView(long Id, string Text, DateTime CreatedAtUtc);

/// <summary>Reads a client's in-app notification feed.</summary>
public sealed class NotificationService(IDbContextFactory<CoreDbContext> dbFactory)
{
    public async Task<List<NotificationView>> FeedAsync(int clientId, int take = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.AsNoTracking()
            .Where(n => n.ClientId == clientId)
            .OrderByDescending(n => n.Id)
            .Take(take)
            .Select(n => new NotificationView(n.Id, n.Text, n.CreatedAtUtc))
            .ToListAsync(ct);
    }
}
