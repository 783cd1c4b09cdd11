using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

/// <summary>
/// One visit booked on a purchase; CreditUsedBy names the client who used the credit (the owner or a buddy). StartsAt is the
/// wall-clock time at the location, whose zone is TimeZoneId ("" = the server's).
/// </summary>
public sealed record VisitRow(int BookingId, DateTime StartsAt, string Session, string Location, string Trainer, BookingStatus Status, string CreditUsedBy,
    string TimeZoneId = "")
{
    public string StatusText => SessionLabel.StatusText(Status);
}

public sealed record VisitPage(IReadOnlyList<VisitRow> Items, int TotalCount);

/// <summary>Show Visits: a purchase's visit history, the same for its owner and every accepted buddy.</summary>
public sealed class VisitHistoryService(IDbContextFactory<CoreDbContext> dbFactory)
{
    public const int MaxPageSize = 100;

    /// <summary>One page of the purchase's visits, newest session first.</summary>
    public async Task<ServiceResult<VisitPage>> VisitsAsync(ClaimsPrincipal user, int purchaseId, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Purchases.AnyAsync(p => p.Id == purchaseId, ct))
            return ServiceResult.Failure<VisitPage>(ServiceResult.NotFound("That package or membership no longer exists."));
        if (!await Access.CanReadPurchaseAsync(db, user, purchaseId, ct)) return ServiceResult.Failure<VisitPage>(ServiceResult.Forbidden());

        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var visits = db.Bookings.AsNoTracking().Where(b => b.PurchaseId == purchaseId);
        var total = await visits.CountAsync(ct);
        var rows = await visits
            .OrderByDescending(b => b.Session!.StartsAt).ThenByDescending(b => b.Id)
            .Skip(Math.Max(0, page) * pageSize).Take(pageSize)
            .Select(b => new VisitRow(b.Id, b.Session!.StartsAt, b.Session.Name, b.Session.Location!.Name, b.Session.Trainer, b.Status,
                b.Client!.FirstName + " " + b.Client.LastName, b.Session.Location.TimeZoneId))
            .ToListAsync(ct);
        return ServiceResult.Success(new VisitPage(rows, total));
    }
}
