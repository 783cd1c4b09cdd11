using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Reports;

/// <summary>
/// The managers' reports. Every figure is one SQL query over the ledger and its cached balances, never rows
/// loaded and added up in memory, so the page stays fast on a big studio.
/// </summary>
public sealed partial class ReportsService(IDbContextFactory<CoreDbContext> dbFactory)
{
    private const int Grant = (int)LedgerKind.Grant, Add = (int)LedgerKind.Add, Deduct = (int)LedgerKind.Deduct,
        Use = (int)LedgerKind.BookingUse, Refund = (int)LedgerKind.CancellationRefund, Validity = (int)LedgerKind.Validity;

    private static void EnsureManager(ClaimsPrincipal user)
    {
        if (!user.IsManager()) throw new UnauthorizedAccessException("Reports are for managers.");
    }

    // Balances as they stood at the end of @day, rebuilt backwards: the cached Used/Max (which equal the ledger's sums,
    // see LedgerAudit) minus every ledger row written after that day (AtUtc >= @cutoff). Periods granted after it did not
    // exist yet; a period whose dates a Validity row changed since takes the EndsOnAfter of its last row up to then (grants,
    // adjustments and validity edits all record it). Recent days touch only the few newest rows, through the AtUtc and
    // (Kind, AtUtc) indexes; "GROUP BY PeriodId + 0" keeps SQLite on those instead of walking the whole ledger by PeriodId.
    // Periods are reached from their purchase through the covering (PurchaseId, EndsOn, MaxCredits, UsedCredits) index.
    private static readonly string PeriodsAsOf = $"""
        WITH later AS (
            SELECT PeriodId,
                   SUM(CASE WHEN Kind IN ({Grant}, {Add}, {Deduct}) THEN Amount ELSE 0 END) AS MaxLater,
                   SUM(CASE WHEN Kind IN ({Use}, {Refund}) THEN Amount ELSE 0 END) AS UsedLater,
                   MAX(Kind = {Grant}) AS GrantedLater
            FROM Ledger WHERE AtUtc >= @cutoff GROUP BY PeriodId + 0),
        moved AS (
            SELECT v.PeriodId,
                   (SELECT x.EndsOnAfter FROM Ledger x WHERE x.PeriodId = v.PeriodId AND x.AtUtc < @cutoff AND x.EndsOnAfter IS NOT NULL
                    ORDER BY x.Id DESC LIMIT 1) AS EndsOn
            FROM (SELECT PeriodId FROM Ledger WHERE Kind = {Validity} AND AtUtc >= @cutoff GROUP BY PeriodId + 0) v),
        dated AS (
            SELECT p.Id, p.PurchaseId, p.MaxCredits, p.UsedCredits, p.EndsOn
            FROM Purchases u JOIN CreditPeriods p ON p.PurchaseId = u.Id
            WHERE u.Status = @active AND u.EndsOn >= @day AND p.EndsOn >= @day AND p.Id NOT IN (SELECT PeriodId FROM moved)
            UNION ALL
            SELECT p.Id, p.PurchaseId, p.MaxCredits, p.UsedCredits, m.EndsOn
            FROM moved m JOIN CreditPeriods p ON p.Id = m.PeriodId WHERE m.EndsOn >= @day),
        periods AS (
            SELECT d.PurchaseId, d.MaxCredits IS NULL AS Unlimited, d.EndsOn,
                   (d.MaxCredits - COALESCE(l.MaxLater, 0)) - (d.UsedCredits - COALESCE(l.UsedLater, 0)) AS Remaining
            FROM dated d LEFT JOIN later l ON l.PeriodId = d.Id
            WHERE COALESCE(l.GrantedLater, 0) = 0)

        """;

    private static readonly string LiabilitySql = PeriodsAsOf + """
            , owed AS (SELECT PurchaseId, SUM(Remaining) AS Remaining FROM periods WHERE NOT Unlimited GROUP BY PurchaseId)
            SELECT loc.Name AS Location, u.CatalogItemId, u.Name AS Item, COUNT(*) AS Purchases, SUM(r.Remaining) AS Remaining,
                   CAST(ROUND(SUM(r.Remaining * 1.0 * u.PriceCents /
                        NULLIF(u.CreditsPerPeriod * (SELECT COUNT(*) FROM CreditPeriods c WHERE c.PurchaseId = u.Id), 0))) AS INTEGER) AS ValueCents
            FROM owed r
            JOIN Purchases u ON u.Id = r.PurchaseId
            JOIN Locations loc ON loc.Id = u.LocationId
            WHERE u.Status = @active
            GROUP BY loc.Name, u.CatalogItemId, u.Name
            ORDER BY loc.Name, u.Name
            """;

    private static readonly string UnlimitedSql = PeriodsAsOf + """
            SELECT u.Id AS PurchaseId, o.FirstName || ' ' || o.LastName AS Owner, loc.Name AS Location, u.Name AS Item,
                   MAX(a.EndsOn) AS EndsOn, CAST(julianday(MAX(a.EndsOn)) - julianday(@day) AS INTEGER) + 1 AS DaysLeft
            FROM periods a
            JOIN Purchases u ON u.Id = a.PurchaseId
            JOIN Clients o ON o.Id = u.OwnerClientId
            JOIN Locations loc ON loc.Id = u.LocationId
            WHERE a.Unlimited AND u.Status = @active
            GROUP BY u.Id
            ORDER BY DaysLeft, u.Id
            """;

    private static SqliteParameter[] AsOf(DateOnly day) =>
    [
        new("@day", Day(day)),
        new("@cutoff", Stamp(day.AddDays(1).ToDateTime(TimeOnly.MinValue))),
        new("@active", SqliteType.Integer) { Value = (int)PurchaseStatus.Active }, // a constant 0 would bind to the SqliteType overload
    ];

    // The text forms EF Core's SQLite provider stores dates and times in, so comparisons in raw SQL match.
    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Stamp(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// Credits still unused on active limited periods (ending on or after <paramref name="day"/>) as they stood at the end of
    /// that day, per location and catalog item, valued at each purchase's price per credit granted at sale.
    /// </summary>
    public async Task<IReadOnlyList<LiabilityRow>> LiabilityAsync(ClaimsPrincipal user, DateOnly day, CancellationToken ct = default)
    {
        EnsureManager(user);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Credits granted at sale = credits per period × periods: exactly the purchase's Grant rows (PurchaseTerms.Grants).
        return await db.Database.SqlQueryRaw<LiabilityRow>(LiabilitySql, AsOf(day)).ToListAsync(ct);
    }

    /// <summary>Active unlimited purchases on <paramref name="day"/> and the days they still run, soonest ending first.</summary>
    public async Task<IReadOnlyList<UnlimitedRow>> UnlimitedAsync(ClaimsPrincipal user, DateOnly day, CancellationToken ct = default)
    {
        EnsureManager(user);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Database.SqlQueryRaw<UnlimitedRow>(UnlimitedSql, AsOf(day)).ToListAsync(ct);
    }
}
