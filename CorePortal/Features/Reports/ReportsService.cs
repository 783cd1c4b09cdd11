using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Reports;

/// <summary>
/// The managers' reports. Every figure is one SQL query over the ledger and its cached balances, never rows
/// loaded and added up in memory, so the page stays fast on a big studio.
/// </summary>
public sealed partial class ReportsService(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    private const int Grant = (int)LedgerKind.Grant, Add = (int)LedgerKind.Add, Deduct = (int)LedgerKind.Deduct,
        Use = (int)LedgerKind.BookingUse, Refund = (int)LedgerKind.CancellationRefund, Waived = (int)LedgerKind.Waived,
        Renewed = (int)LedgerKind.Renewed, Forfeited = (int)LedgerKind.Forfeited, Expired = (int)LedgerKind.Expired, Frozen = (int)LedgerKind.Frozen;

    // The ledger's step rules (LedgerKinds), as SQL lists: the kinds that open a period, move its Max, move its Used, and the
    // kinds that may move its dates (a validity edit, and every Max-moving kind: a freeze or an early end moves the end date).
    private static readonly string OpensSql = LedgerKinds.Sql(LedgerKinds.Opens);
    private static readonly string MaxKindsSql = LedgerKinds.Sql([.. LedgerKinds.Opens, .. LedgerKinds.MoveMax]);
    private static readonly string UsedKindsSql = LedgerKinds.Sql(LedgerKinds.MoveUsed);
    private static readonly string DateKindsSql = LedgerKinds.Sql([LedgerKind.Validity, .. LedgerKinds.MoveMax]);

    private static ServiceResult<T> Refused<T>() => ServiceResult.Failure<T>(ServiceResult.Forbidden("Reports are for managers."));

    // Days and ranges outside the studio's window are refused before any query: a range ending 9999-12-31 has no day after it.
    private DateWindow Window => DateWindow.For(clock);

    private ServiceResult? OutOfWindow(ReportRange range) => Window.RangeRefusal(range.From, range.To);

    // Periods whose dates a row among the later rows may have changed (a validity edit, a freeze, an early end, …): their end
    // date as it stood before is the EndsOnAfter of their last earlier row (every opening, Max-moving and validity row records
    // it; null if none, i.e. not opened yet). A period listed whose dates did not move gets its own end date back.
    private static string MovedSql(DatabaseEngine engine, string laterRows) => $"""
        moved AS (
            SELECT v."PeriodId",
                   (SELECT x."EndsOnAfter" FROM "Ledger" x WHERE x."PeriodId" = v."PeriodId" AND NOT ({laterRows}) AND x."EndsOnAfter" IS NOT NULL
                    ORDER BY x."Id" DESC LIMIT 1) AS "EndsOn"
            FROM (SELECT "PeriodId" FROM "Ledger" WHERE "Kind" IN ({DateKindsSql}) AND ({laterRows}) GROUP BY {ReportSql.PerPeriod(engine)}) v)
        """;

    // Unlimited purchases running at the end of @day, soonest ending first. A purchase's Grant rows are written with its sale
    // (PurchaseTerms.Grants), so "sold by then" is "granted by then". Its end date then is Purchases.EndsOn (the latest of its
    // periods' ends, kept so by every change of dates) unless a row written since moved a period's dates (MovedSql): those few are worked
    // out from the ledger (shifted). The rest come off IX_Purchases_Unlimited (Status, EndsOn, SoldAtUtc, and the id after them)
    // in order, so a page reads skip + take index entries instead of sorting every unlimited purchase; the count reads the
    // index alone. The ORDER BY and LIMIT belong to the UNION ALL itself: SQLite then merges the two ordered arms and stops early.
    private static string RunningUnlimitedSql(DatabaseEngine engine, string orderAndLimit) => $"""
        WITH {MovedSql(engine, "\"AtUtc\" >= @cutoff")},
        shifted AS (
            SELECT p."PurchaseId", MAX(CASE WHEN m."PeriodId" IS NULL THEN p."EndsOn" ELSE m."EndsOn" END) AS "EndsOn"
            FROM "CreditPeriods" p LEFT JOIN moved m ON m."PeriodId" = p."Id"
            WHERE p."PurchaseId" IN (SELECT c."PurchaseId" FROM moved JOIN "CreditPeriods" c ON c."Id" = moved."PeriodId")
            GROUP BY p."PurchaseId"),
        running AS (
            SELECT u."Id", u."EndsOn" FROM "Purchases" u
            WHERE u."CreditsPerPeriod" IS NULL AND u."Status" = @active AND u."EndsOn" >= @day AND u."SoldAtUtc" < @cutoff
              AND u."Id" NOT IN (SELECT "PurchaseId" FROM shifted)
            UNION ALL
            SELECT u."Id", s."EndsOn" FROM shifted s JOIN "Purchases" u ON u."Id" = s."PurchaseId"
            WHERE u."CreditsPerPeriod" IS NULL AND u."Status" = @active AND u."SoldAtUtc" < @cutoff AND s."EndsOn" >= @day
            {orderAndLimit})
        """;

    private static string UnlimitedSql(DatabaseEngine engine) => RunningUnlimitedSql(engine, "ORDER BY \"EndsOn\", \"Id\" LIMIT @take OFFSET @skip") + $"""
        SELECT u."Id" AS "PurchaseId", o."FirstName" || ' ' || o."LastName" AS "Owner", loc."Name" AS "Location", u."Name" AS "Item",
               r."EndsOn" AS "EndsOn", {ReportSql.DaysBetween(engine, "@day", "r.\"EndsOn\"")} + 1 AS "DaysLeft"
        FROM running r
        JOIN "Purchases" u ON u."Id" = r."Id"
        JOIN "Clients" o ON o."Id" = u."OwnerClientId"
        JOIN "Locations" loc ON loc."Id" = u."LocationId"
        ORDER BY r."EndsOn", r."Id"
        """;

    private static string UnlimitedCountSql(DatabaseEngine engine) => RunningUnlimitedSql(engine, "") + "SELECT CAST(COUNT(*) AS INTEGER) AS \"Value\" FROM running";

    // The end of @day as the first instant after it, a UTC DateTime: Npgsql takes only Kind=Utc for a timestamptz.
    private static (string, object)[] AsOf(DateOnly day) => [("day", day), ("cutoff", EndOf(day)), ("active", (int)PurchaseStatus.Active)];

    private static DateTime EndOf(DateOnly day) => day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>Active unlimited purchases on <paramref name="day"/> and the days they still run, soonest ending first.</summary>
    public async Task<ServiceResult<IReadOnlyList<UnlimitedRow>>> UnlimitedAsync(ClaimsPrincipal user, DateOnly day, CancellationToken ct = default) =>
        await UnlimitedPageAsync(user, day, 0, -1, ct) is var read && read.Value is { } page ? ServiceResult.Success(page.Rows) : ServiceResult.Failure<IReadOnlyList<UnlimitedRow>>(read);

    /// <summary>One page of <see cref="UnlimitedAsync"/> (<paramref name="take"/> -1: all) and how many there are in all.</summary>
    public async Task<ServiceResult<UnlimitedPage>> UnlimitedPageAsync(ClaimsPrincipal user, DateOnly day, int skip, int take, CancellationToken ct = default)
    {
        if (!Access.CanReadReports(user)) return Refused<UnlimitedPage>();
        if (Window.DayRefusal(day) is { } refused) return ServiceResult.Failure<UnlimitedPage>(refused);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // No LIMIT is "LIMIT -1" on SQLite but an error on PostgreSQL; the largest int is all on both.
        var rows = await db.Database.SqlQuery<UnlimitedRow>(ReportSql.Bind(UnlimitedSql(db.Engine),
            [.. AsOf(day), ("skip", Math.Max(skip, 0)), ("take", take < 0 ? int.MaxValue : take)])).ToListAsync(ct);
        var total = take < 0 && skip <= 0 ? rows.Count : await db.Database.SqlQuery<int>(ReportSql.Bind(UnlimitedCountSql(db.Engine), AsOf(day))).SingleAsync(ct);
        return ServiceResult.Success<UnlimitedPage>(new UnlimitedPage(rows, total));
    }
}
