using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Credits;

public sealed record PeriodDisagreement(int PeriodId, int? CachedMax, int LedgerMax, int CachedUsed, int LedgerUsed);

/// <summary>Checks that every period's cached Used and Max equal what its ledger rows add up to.</summary>
public static class LedgerAudit
{
    public static async Task<List<PeriodDisagreement>> FindDisagreementsAsync(CoreDbContext db, CancellationToken ct = default)
    {
        var sums = db.Ledger
            .GroupBy(l => l.PeriodId)
            .Select(g => new
            {
                PeriodId = g.Key,
                Max = g.Where(l => l.Kind == LedgerKind.Grant || l.Kind == LedgerKind.Add || l.Kind == LedgerKind.Deduct).Sum(l => l.Amount),
                Used = g.Where(l => l.Kind == LedgerKind.BookingUse || l.Kind == LedgerKind.CancellationRefund).Sum(l => l.Amount),
            });
        var rows = await db.CreditPeriods
            .GroupJoin(sums, p => p.Id, s => s.PeriodId, (p, s) => new { p, s })
            .SelectMany(x => x.s.DefaultIfEmpty(), (x, s) => new { x.p.Id, x.p.MaxCredits, x.p.UsedCredits, LedgerMax = s == null ? 0 : s.Max, LedgerUsed = s == null ? 0 : s.Used })
            .Where(x => (x.MaxCredits != null && x.MaxCredits != x.LedgerMax) || x.UsedCredits != x.LedgerUsed || x.UsedCredits < 0)
            .AsNoTracking()
            .ToListAsync(ct);
        return rows.Select(r => new PeriodDisagreement(r.Id, r.MaxCredits, r.LedgerMax, r.UsedCredits, r.LedgerUsed)).ToList();
    }
}
