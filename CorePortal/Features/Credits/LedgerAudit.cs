using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Credits;

public sealed record PeriodDisagreement(int PeriodId, int? CachedMax, int LedgerMax, int CachedUsed, int LedgerUsed);

/// <summary>Checks that every period's cached Used and Max equal what its ledger rows add up to.</summary>
public static class LedgerAudit
{
    public static async Task<List<PeriodDisagreement>> FindDisagreementsAsync(CoreDbContext db, CancellationToken ct = default)
    {
        // Correlated sums per period: EF Core 10 cannot translate the filter over a grouped left join.
        var rows = await db.CreditPeriods.AsNoTracking()
            .Select(p => new
            {
                p.Id,
                p.MaxCredits,
                p.UsedCredits,
                LedgerMax = db.Ledger.Where(l => l.PeriodId == p.Id && (l.Kind == LedgerKind.Grant || l.Kind == LedgerKind.Add || l.Kind == LedgerKind.Deduct)).Sum(l => l.Amount),
                LedgerUsed = db.Ledger.Where(l => l.PeriodId == p.Id && (l.Kind == LedgerKind.BookingUse || l.Kind == LedgerKind.CancellationRefund)).Sum(l => l.Amount),
            })
            .Where(x => (x.MaxCredits != null && x.MaxCredits != x.LedgerMax) || x.UsedCredits != x.LedgerUsed || x.UsedCredits < 0)
            .ToListAsync(ct);
        return rows.Select(r => new PeriodDisagreement(r.Id, r.MaxCredits, r.LedgerMax, r.UsedCredits, r.LedgerUsed)).ToList();
    }
}
