using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Credits;

public sealed record PeriodDisagreement(int PeriodId, int? CachedMax, int LedgerMax, int CachedUsed, int LedgerUsed);

/// <summary>A ledger row whose running figures do not follow from the row before it in its period (Previous* null: it has none).</summary>
public sealed record LedgerStepDisagreement(long EntryId, int PeriodId, LedgerKind Kind, int Amount, int? PreviousMax, int? PreviousUsed, int? MaxAfter, int UsedAfter);

public sealed record DayTotalDisagreement(string Day, LedgerKind Kind, int KeptAmount, int LedgerAmount, int KeptRows, int LedgerRows);

/// <summary>
/// Checks that what is kept beside the ledger (each period's cached Used and Max, the per-day totals) equals what its rows add up to.
/// The SQL runs on both engines: every name quoted, every subquery named, sums cast to INTEGER (PostgreSQL's SUM of an int is a bigint).
/// </summary>
public static class LedgerAudit
{
    public static Task<List<PeriodDisagreement>> FindDisagreementsAsync(CoreDbContext db, CancellationToken ct = default) =>
        db.Database.SqlQueryRaw<PeriodDisagreement>(CachedSql).ToListAsync(ct);

    private static readonly string ChangesMaxSql = LedgerKinds.Sql([.. LedgerKinds.Opens, .. LedgerKinds.MoveMax]);
    private static readonly string MoveUsedSql = LedgerKinds.Sql(LedgerKinds.MoveUsed);

    private static readonly string CachedSql = $"""
            SELECT p."Id" AS "PeriodId", p."MaxCredits" AS "CachedMax", CAST(COALESCE(s."LedgerMax", 0) AS INTEGER) AS "LedgerMax",
                   p."UsedCredits" AS "CachedUsed", CAST(COALESCE(s."LedgerUsed", 0) AS INTEGER) AS "LedgerUsed"
            FROM "CreditPeriods" p
            LEFT JOIN (
                SELECT "PeriodId",
                       SUM(CASE WHEN "Kind" IN ({ChangesMaxSql}) THEN "Amount" ELSE 0 END) AS "LedgerMax",
                       SUM(CASE WHEN "Kind" IN ({MoveUsedSql}) THEN "Amount" ELSE 0 END) AS "LedgerUsed"
                FROM "Ledger" GROUP BY "PeriodId") s ON s."PeriodId" = p."Id"
            WHERE (p."MaxCredits" IS NOT NULL AND p."MaxCredits" <> COALESCE(s."LedgerMax", 0))
               OR p."UsedCredits" <> COALESCE(s."LedgerUsed", 0)
               OR p."UsedCredits" < 0
            ORDER BY p."Id"
            """;

    /// <summary>
    /// The ledger rows whose MaxAfter and UsedAfter do not follow from the previous row of their period (by Id, the order they were
    /// written in: every writer changes the period under its row lock or version check in the same transaction).
    /// The kinds go by LedgerKinds: an opening row (grant, renewal, rolled in) opens the period (Max = its amount, or none for
    /// unlimited with amount 0; Used = 0) and must be its first row; add and deduct move Max by the amount and keep Used; the
    /// lifecycle's Max movers (forfeited, expired, rolled over, frozen, unfrozen) do the same, or keep no Max with amount 0 on an
    /// unlimited period; a booking use and a refund move Used by the amount and keep Max; a validity change (amount 0) keeps
    /// both; any other kind, or a NULL where a figure is needed, is reported. Max compares null-safe by hand.
    /// </summary>
    public static Task<List<LedgerStepDisagreement>> FindStepDisagreementsAsync(CoreDbContext db, CancellationToken ct = default) =>
        db.Database.SqlQueryRaw<LedgerStepDisagreement>(StepsSql).ToListAsync(ct);

    private static readonly string StepsSql = $"""
        SELECT s."Id" AS "EntryId", s."PeriodId", s."Kind", s."Amount", s."PreviousMax", s."PreviousUsed", s."MaxAfter", s."UsedAfter"
        FROM (SELECT "Id", "PeriodId", "Kind", "Amount", "MaxAfter", "UsedAfter",
                     LAG("Id") OVER w AS "PreviousId", LAG("MaxAfter") OVER w AS "PreviousMax", LAG("UsedAfter") OVER w AS "PreviousUsed"
              FROM "Ledger"
              WINDOW w AS (PARTITION BY "PeriodId" ORDER BY "Id")) s
        WHERE NOT COALESCE(CASE
            WHEN s."Kind" IN ({LedgerKinds.Sql(LedgerKinds.Opens)}) THEN s."PreviousId" IS NULL AND s."UsedAfter" = 0
                AND ((s."MaxAfter" IS NULL AND s."Amount" = 0) OR s."MaxAfter" = s."Amount")
            WHEN s."PreviousId" IS NULL THEN FALSE
            WHEN s."Kind" IN ({(int)LedgerKind.Add}, {(int)LedgerKind.Deduct}) THEN s."UsedAfter" = s."PreviousUsed"
                AND s."MaxAfter" = s."PreviousMax" + s."Amount"
            WHEN s."Kind" IN ({LedgerKinds.Sql(LedgerKinds.MoveMax.Except([LedgerKind.Add, LedgerKind.Deduct]))}) THEN s."UsedAfter" = s."PreviousUsed"
                AND (s."MaxAfter" = s."PreviousMax" + s."Amount" OR (s."Amount" = 0 AND s."MaxAfter" IS NULL AND s."PreviousMax" IS NULL))
            WHEN s."Kind" IN ({LedgerKinds.Sql(LedgerKinds.MoveUsed)}) THEN s."UsedAfter" = s."PreviousUsed" + s."Amount"
                AND {SameMax}
            WHEN s."Kind" = {(int)LedgerKind.Validity} THEN s."Amount" = 0 AND s."UsedAfter" = s."PreviousUsed" AND {SameMax}
            ELSE FALSE
        END, FALSE)
        ORDER BY s."PeriodId", s."Id"
        """;

    private const string SameMax = """(s."MaxAfter" = s."PreviousMax" OR (s."MaxAfter" IS NULL AND s."PreviousMax" IS NULL))""";

    /// <summary>
    /// The days and kinds whose kept total (LedgerDailyTotals, summed over its slots on PostgreSQL) differs from the ledger's
    /// rows, either way round. The day reads as 'yyyy-MM-dd' on both engines.
    /// </summary>
    public static Task<List<DayTotalDisagreement>> FindDayTotalDisagreementsAsync(CoreDbContext db, CancellationToken ct = default) =>
        db.Database.SqlQueryRaw<DayTotalDisagreement>(db.Engine == DatabaseEngine.Postgres ? PostgresDayTotalsSql : SqliteDayTotalsSql).ToListAsync(ct);

    private static readonly string SqliteDayTotalsSql = DayTotalsSql(DatabaseEngine.Sqlite);
    private static readonly string PostgresDayTotalsSql = DayTotalsSql(DatabaseEngine.Postgres);

    // Kept rows and ledger rows side by side, then grouped by day and kind: a day's slots add up in the same SUM.
    private static string DayTotalsSql(DatabaseEngine engine) => $"""
        SELECT CAST(t."Day" AS TEXT) AS "Day", t."Kind",
               CAST(SUM(t."KeptAmount") AS INTEGER) AS "KeptAmount", CAST(SUM(t."LedgerAmount") AS INTEGER) AS "LedgerAmount",
               CAST(SUM(t."KeptRows") AS INTEGER) AS "KeptRows", CAST(SUM(t."LedgerRows") AS INTEGER) AS "LedgerRows"
        FROM (SELECT "Day", "Kind", "Amount" AS "KeptAmount", 0 AS "LedgerAmount", "Rows" AS "KeptRows", 0 AS "LedgerRows" FROM "LedgerDailyTotals"
              UNION ALL
              SELECT l."Day", l."Kind", 0, l."Amount", 0, l."Rows" FROM ({LedgerDayTotalsSql.FromLedgerOn(engine)}) AS l) AS t
        GROUP BY t."Day", t."Kind"
        HAVING SUM(t."KeptAmount") <> SUM(t."LedgerAmount") OR SUM(t."KeptRows") <> SUM(t."LedgerRows")
        ORDER BY 1, 2
        """;
}
