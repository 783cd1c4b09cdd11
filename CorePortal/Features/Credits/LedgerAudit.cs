using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Credits;

public sealed record PeriodDisagreement(int PeriodId, int? CachedMax, int LedgerMax, int CachedUsed, int LedgerUsed);

/// <summary>Checks that every period's cached Used and Max equal what its ledger rows add up to.</summary>
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
}
