using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Reports;

public sealed partial class ReportsService
{
    /// <summary>
    /// Sharing today: purchases that allow sharing and have been shared with someone, clients currently authorized, invitations
    /// pending or declined; and, over the range (by booking time), visits booked and those booked by someone other than the owner.
    /// </summary>
    // Only a purchase someone was invited to can be booked by anyone but its owner (share rows are never deleted), so visits by
    // others walk the few shared purchases' bookings through the (PurchaseId, Id) index; CROSS JOIN keeps SQLite in that order
    // rather than reading every visit in the range
    // (PostgreSQL's planner picks that order itself).
    public async Task<ServiceResult<SharingSummary>> SharingAsync(ClaimsPrincipal user, ReportRange range, CancellationToken ct = default)
    {
        if (!Access.CanReadReports(user)) return Refused<SharingSummary>();
        if (OutOfWindow(range) is { } refused) return ServiceResult.Failure<SharingSummary>(refused);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (from, end) = (range.FromUtc, range.EndUtc);
        var visits = db.Bookings.AsNoTracking().Where(b => b.Status != BookingStatus.Cancelled && b.BookedAtUtc >= from && b.BookedAtUtc < end);
        return ServiceResult.Success<SharingSummary>(new SharingSummary(
            SharedPurchases: await db.Purchases.CountAsync(p => p.AllowSharing && db.PurchaseShares.Any(s => s.PurchaseId == p.Id), ct),
            AuthorizedClients: await db.PurchaseShares.Where(PoolRule.AcceptedShare).Select(s => s.ClientId).Distinct().CountAsync(ct),
            Visits: await visits.CountAsync(ct),
            VisitsByOthers: await db.Database.SqlQuery<int>(ReportSql.Bind($"""
                SELECT CAST(COUNT(*) AS INTEGER) AS "Value"
                FROM (SELECT DISTINCT "PurchaseId" FROM "PurchaseShares") shared
                {ReportSql.JoinInOrder(db.Engine)} "Purchases" p ON p."Id" = shared."PurchaseId"
                {ReportSql.JoinInOrder(db.Engine)} "Bookings" b ON b."PurchaseId" = shared."PurchaseId"
                WHERE b."Status" <> @cancelled AND b."BookedAtUtc" >= @from AND b."BookedAtUtc" < @end AND b."ClientId" <> p."OwnerClientId"
                """, ("cancelled", (int)BookingStatus.Cancelled), ("from", from), ("end", end))).SingleAsync(ct),
            PendingInvitations: await db.PurchaseShares.CountAsync(s => s.Status == ShareStatus.Pending, ct),
            DeclinedInvitations: await db.PurchaseShares.CountAsync(s => s.Status == ShareStatus.Declined, ct)));
    }
}
