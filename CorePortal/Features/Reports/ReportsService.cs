using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Reports;

/// <summary>
/// The managers' reports. Every figure is one SQL query over the ledger and its cached balances, never rows
/// loaded and added up in memory, so the page stays fast on a big studio.
/// </summary>
public sealed partial class ReportsService(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    private const int Grant = (int)LedgerKind.Grant, Add = (int)LedgerKind.Add, Deduct = (int)LedgerKind.Deduct,
        Use = (int)LedgerKind.BookingUse, Refund = (int)LedgerKind.CancellationRefund, Validity = (int)LedgerKind.Validity;

    private static ServiceResult<T> Refused<T>() => ServiceResult.Failure<T>(ServiceResult.Forbidden("Reports are for managers."));

    // Periods whose dates a Validity row among the later rows changed: their end date as it stood before is the EndsOnAfter of
    // their last earlier row (grants, adjustments and validity edits all record it; null if none, i.e. not granted yet).
    private static string MovedSql(string laterRows) => $"""
        moved AS (
            SELECT v.PeriodId,
                   (SELECT x.EndsOnAfter FROM Ledger x WHERE x.PeriodId = v.PeriodId AND NOT ({laterRows}) AND x.EndsOnAfter IS NOT NULL
                    ORDER BY x.Id DESC LIMIT 1) AS EndsOn
            FROM (SELECT PeriodId FROM Ledger WHERE Kind = {Validity} AND ({laterRows}) GROUP BY PeriodId + 0) v)
        """;

    // Unlimited purchases running at the end of @day, soonest ending first. A purchase's Grant rows are written with its sale
    // (PurchaseTerms.Grants), so "sold by then" is "granted by then". Its end date then is Purchases.EndsOn (the latest of its
    // periods' ends, kept so by every change of dates) unless a Validity row written since moved a period: those few are worked
    // out from the ledger (shifted). The rest come off IX_Purchases_Unlimited (Status, EndsOn, SoldAtUtc, and the id after them)
    // in order, so a page reads skip + take index entries instead of sorting every unlimited purchase; the count reads the
    // index alone. The ORDER BY and LIMIT belong to the UNION ALL itself: SQLite then merges the two ordered arms and stops early.
    private static string RunningUnlimitedSql(string orderAndLimit) => $"""
        WITH {MovedSql("AtUtc >= @cutoff")},
        shifted AS (
            SELECT p.PurchaseId, MAX(CASE WHEN m.PeriodId IS NULL THEN p.EndsOn ELSE m.EndsOn END) AS EndsOn
            FROM CreditPeriods p LEFT JOIN moved m ON m.PeriodId = p.Id
            WHERE p.PurchaseId IN (SELECT c.PurchaseId FROM moved JOIN CreditPeriods c ON c.Id = moved.PeriodId)
            GROUP BY p.PurchaseId),
        running AS (
            SELECT u.Id, u.EndsOn FROM Purchases u
            WHERE u.CreditsPerPeriod IS NULL AND u.Status = @active AND u.EndsOn >= @day AND u.SoldAtUtc < @cutoff
              AND u.Id NOT IN (SELECT PurchaseId FROM shifted)
            UNION ALL
            SELECT u.Id, s.EndsOn FROM shifted s JOIN Purchases u ON u.Id = s.PurchaseId
            WHERE u.CreditsPerPeriod IS NULL AND u.Status = @active AND u.SoldAtUtc < @cutoff AND s.EndsOn >= @day
            {orderAndLimit})
        """;

    private static readonly string UnlimitedSql = RunningUnlimitedSql("ORDER BY EndsOn, Id LIMIT @take OFFSET @skip") + """
        SELECT u.Id AS PurchaseId, o.FirstName || ' ' || o.LastName AS Owner, loc.Name AS Location, u.Name AS Item, r.EndsOn,
               CAST(julianday(r.EndsOn) - julianday(@day) AS INTEGER) + 1 AS DaysLeft
        FROM running r
        JOIN Purchases u ON u.Id = r.Id
        JOIN Clients o ON o.Id = u.OwnerClientId
        JOIN Locations loc ON loc.Id = u.LocationId
        ORDER BY r.EndsOn, r.Id
        """;

    private static readonly string UnlimitedCountSql = RunningUnlimitedSql("") + "SELECT COUNT(*) AS Value FROM running";

    private static SqliteParameter[] AsOf(DateOnly day) =>
    [
        new("@day", Day(day)),
        new("@cutoff", Stamp(EndOf(day))),
        new("@active", SqliteType.Integer) { Value = (int)PurchaseStatus.Active }, // a constant 0 would bind to the SqliteType overload
    ];

    private static DateTime EndOf(DateOnly day) => day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    // The text forms EF Core's SQLite provider stores dates and times in, so comparisons in raw SQL match.
    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Stamp(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Active unlimited purchases on <paramref name="day"/> and the days they still run, soonest ending first.</summary>
    public async Task<ServiceResult<IReadOnlyList<UnlimitedRow>>> UnlimitedAsync(ClaimsPrincipal user, DateOnly day, CancellationToken ct = default) =>
        await UnlimitedPageAsync(user, day, 0, -1, ct) is { Value: { } page } ? ServiceResult.Success(page.Rows) : Refused<IReadOnlyList<UnlimitedRow>>();

    /// <summary>One page of <see cref="UnlimitedAsync"/> (<paramref name="take"/> -1: all) and how many there are in all.</summary>
    public async Task<ServiceResult<UnlimitedPage>> UnlimitedPageAsync(ClaimsPrincipal user, DateOnly day, int skip, int take, CancellationToken ct = default)
    {
        if (!Access.CanReadReports(user)) return Refused<UnlimitedPage>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Database.SqlQueryRaw<UnlimitedRow>(UnlimitedSql,
            [.. AsOf(day), new SqliteParameter("@skip", Math.Max(skip, 0)), new SqliteParameter("@take", take)]).ToListAsync(ct);
        var total = take < 0 && skip <= 0 ? rows.Count : await db.Database.SqlQueryRaw<int>(UnlimitedCountSql, AsOf(day)).SingleAsync(ct);
        return ServiceResult.Success<UnlimitedPage>(new UnlimitedPage(rows, total));
    }
}
