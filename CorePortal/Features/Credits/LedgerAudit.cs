using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Credits;

public sealed record PeriodDisagreement(int PeriodId, int? CachedMax, int LedgerMax, int CachedUsed, int LedgerUsed);

public sealed record DayTotalDisagreement(string Day, LedgerKind Kind, int KeptAmount, int LedgerAmount, int KeptRows, int LedgerRows);

/// <summary>Checks that what is kept beside the ledger (each period's cached Used and Max, the per-day totals) equals what its rows add up to.</summary>
public static class LedgerAudit
{
    public static Task<List<PeriodDisagreement>> FindDisagreementsAsync(CoreDbContext db, CancellationToken ct = default) =>
        db.Database.SqlQuery<PeriodDisagreement>($"""
            SELECT p.Id AS PeriodId, p.MaxCredits AS CachedMax, COALESCE(s.LedgerMax, 0) AS LedgerMax,
                   p.UsedCredits AS CachedUsed, COALESCE(s.LedgerUsed, 0) AS LedgerUsed
            FROM CreditPeriods p
            LEFT JOIN (
                SELECT PeriodId,
                       SUM(CASE WHEN Kind IN ({(int)LedgerKind.Grant}, {(int)LedgerKind.Add}, {(int)LedgerKind.Deduct}) THEN Amount ELSE 0 END) AS LedgerMax,
                       SUM(CASE WHEN Kind IN ({(int)LedgerKind.BookingUse}, {(int)LedgerKind.CancellationRefund}) THEN Amount ELSE 0 END) AS LedgerUsed
                FROM Ledger GROUP BY PeriodId) s ON s.PeriodId = p.Id
            WHERE (p.MaxCredits IS NOT NULL AND p.MaxCredits <> COALESCE(s.LedgerMax, 0))
               OR p.UsedCredits <> COALESCE(s.LedgerUsed, 0)
               OR p.UsedCredits < 0
            """).ToListAsync(ct);

    /// <summary>The days and kinds whose kept total (LedgerDailyTotals) differs from the ledger's rows, either way round.</summary>
    public static Task<List<DayTotalDisagreement>> FindDayTotalDisagreementsAsync(CoreDbContext db, CancellationToken ct = default) =>
        db.Database.SqlQueryRaw<DayTotalDisagreement>(DayTotalsSql).ToListAsync(ct);

    private const string DayTotalsSql = $"""
        SELECT Day, Kind, SUM(KeptAmount) AS KeptAmount, SUM(LedgerAmount) AS LedgerAmount, SUM(KeptRows) AS KeptRows, SUM(LedgerRows) AS LedgerRows
        FROM (SELECT Day, Kind, Amount AS KeptAmount, 0 AS LedgerAmount, Rows AS KeptRows, 0 AS LedgerRows FROM LedgerDailyTotals
              UNION ALL
              SELECT Day, Kind, 0, Amount, 0, Rows FROM ({LedgerDayTotalsSql.FromLedger}))
        GROUP BY Day, Kind
        HAVING SUM(KeptAmount) <> SUM(LedgerAmount) OR SUM(KeptRows) <> SUM(LedgerRows)
        ORDER BY Day, Kind
        """;
}
