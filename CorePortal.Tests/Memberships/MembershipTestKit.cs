using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Memberships;

/// <summary>What the membership tests read back: a purchase's periods and ledger rows, and the ledger audits (empty after every step).</summary>
internal static class MembershipTestKit
{
    public static async Task<List<CreditPeriod>> PeriodsAsync(this StudioBuilder studio, int purchaseId)
    {
        await using var db = await studio.Db.CreateDbContextAsync();
        var periods = await db.CreditPeriods.AsNoTracking().Where(p => p.PurchaseId == purchaseId).ToListAsync();
        // In memory: the engines sort NULLs apart (first on SQLite, last on PostgreSQL). A period, then the bucket rolled from it.
        return [.. periods.OrderBy(p => p.Sequence).ThenBy(p => p.RolledFromPeriodId is not null)];
    }

    public static async Task<List<CreditLedgerEntry>> RowsAsync(this StudioBuilder studio, int purchaseId, LedgerKind? kind = null)
    {
        await using var db = await studio.Db.CreateDbContextAsync();
        return await db.Ledger.AsNoTracking().Where(l => l.PurchaseId == purchaseId && (kind == null || l.Kind == kind)).OrderBy(l => l.Id).ToListAsync();
    }

    /// <summary>Asserts the ledger explains every period, step by step and in total.</summary>
    public static async Task AssertLedgerAgreesAsync(this StudioBuilder studio)
    {
        await using var db = await studio.Db.CreateDbContextAsync();
        Assert.Empty(await LedgerAudit.FindStepDisagreementsAsync(db));
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db));
    }

    /// <summary>Moves the studio's clock to 10:00 on the day.</summary>
    public static void MoveTo(this StudioBuilder studio, int year, int month, int day) =>
        studio.Clock.Now = new DateTimeOffset(year, month, day, 10, 0, 0, TimeSpan.Zero);

    /// <summary>(Sequence, StartsOn, EndsOn, Max, Used, rolled?) of each period: one tuple to compare with hand-worked figures.</summary>
    public static List<(int Seq, string Dates, int? Max, int Used, bool Rolled)> Shape(this IEnumerable<CreditPeriod> periods) =>
        [.. periods.Select(p => (p.Sequence, $"{p.StartsOn:yyyy-MM-dd}..{p.EndsOn:yyyy-MM-dd}", p.MaxCredits, p.UsedCredits, p.RolledFromPeriodId is not null))];
}
