using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Notifications;

public sealed record NotificationView(long Id, string Text, DateTime CreatedAtUtc);

/// <summary>Reads a client's in-app notification feed.</summary>
public sealed class NotificationService(IDbContextFactory<CoreDbContext> dbFactory)
{
    /// <summary>The client's latest notifications, newest first: whoever may read the client (the studio team, or the client themself).</summary>
    public async Task<ServiceResult<IReadOnlyList<NotificationView>>> FeedAsync(ClaimsPrincipal user, int clientId, int take = 20, CancellationToken ct = default)
    {
        if (!Access.CanReadClient(user, clientId)) return ServiceResult.Failure<IReadOnlyList<NotificationView>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success<IReadOnlyList<NotificationView>>(await db.Notifications.AsNoTracking()
            .Where(n => n.ClientId == clientId)
            .OrderByDescending(n => n.Id)
            .Take(take)
            .Select(n => new NotificationView(n.Id, n.Text, n.CreatedAtUtc))
            .ToListAsync(ct));
    }
}
