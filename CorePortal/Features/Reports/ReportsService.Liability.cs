using System.Security.Claims;
using System.Text.Json;
using CorePortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Reports;

// Remaining credits on a day. Working them out from the ledger reads every live period (about 440,000 at 100,000 clients)
// and, for a past day, replays every ledger row written since; both take longer than the page may. So a past day's figures
// are worked out once and kept in LiabilitySnapshots, and today's are yesterday's kept figures plus what changed since:
// only the purchases with a ledger row after yesterday or a period that ended yesterday can differ between the two days.
public sealed partial class ReportsService
{
    /// <summary>One purchase-count, credit and value total for a location and item; the unit kept in snapshots.</summary>
    private sealed record LiabilityFigure(int LocationId, int CatalogItemId, string Item, int Purchases, int Remaining, long ValueCents);

    private const string AllPurchases = "SELECT Id AS PurchaseId FROM Purchases";

    // Purchases whose figures can differ between the end of @fromDay and the end of @toDay (@fromDay < @toDay): those with a
    // ledger row written after @fromDay (any change of credits, dates or a new sale), and those with a period ending in
    // between, which then drops out.
    private const string ChangedPurchases = """
        SELECT PurchaseId FROM Ledger WHERE AtUtc >= @since
        UNION SELECT PurchaseId FROM CreditPeriods WHERE EndsOn >= @fromDay AND EndsOn < @toDay
        """;

    // Balances as they stood at the end of @day, rebuilt backwards: the cached Used/Max (which equal the ledger's sums, see
    // LedgerAudit) minus every ledger row written after that day (AtUtc >= @cutoff), for the purchases in scope. Periods
    // granted after it did not exist yet. "GROUP BY PeriodId + 0" keeps SQLite on the AtUtc index instead of walking the
    // whole ledger by PeriodId. Each purchase's credits are valued at its price per credit granted at sale (credits per
    // period × periods: exactly its Grant rows), rounded to the cent per purchase so that totals add up exactly.
    private static string FiguresSql(string scope) => $"""
        WITH scope AS ({scope}),
        later AS (
            SELECT PeriodId,
                   SUM(CASE WHEN Kind IN ({Grant}, {Add}, {Deduct}) THEN Amount ELSE 0 END) AS MaxLater,
                   SUM(CASE WHEN Kind IN ({Use}, {Refund}) THEN Amount ELSE 0 END) AS UsedLater,
                   MAX(Kind = {Grant}) AS GrantedLater
            FROM Ledger WHERE AtUtc >= @cutoff GROUP BY PeriodId + 0),
        {MovedSql},
        dated AS (
            SELECT p.Id, p.PurchaseId, p.MaxCredits, p.UsedCredits
            FROM scope s JOIN Purchases u ON u.Id = s.PurchaseId JOIN CreditPeriods p ON p.PurchaseId = u.Id
            WHERE u.EndsOn >= @day AND p.EndsOn >= @day AND p.MaxCredits IS NOT NULL AND p.Id NOT IN (SELECT PeriodId FROM moved)
            UNION ALL
            SELECT p.Id, p.PurchaseId, p.MaxCredits, p.UsedCredits
            FROM moved m JOIN CreditPeriods p ON p.Id = m.PeriodId
            WHERE m.EndsOn >= @day AND p.MaxCredits IS NOT NULL AND p.PurchaseId IN (SELECT PurchaseId FROM scope)),
        owed AS (
            SELECT d.PurchaseId, SUM((d.MaxCredits - COALESCE(l.MaxLater, 0)) - (d.UsedCredits - COALESCE(l.UsedLater, 0))) AS Remaining
            FROM dated d LEFT JOIN later l ON l.PeriodId = d.Id
            WHERE COALESCE(l.GrantedLater, 0) = 0
            GROUP BY d.PurchaseId),
        valued AS (
            SELECT u.LocationId, u.CatalogItemId, u.Name AS Item, o.Remaining,
                   COALESCE(CAST(ROUND(o.Remaining * 1.0 * u.PriceCents /
                       NULLIF(u.CreditsPerPeriod * (SELECT COUNT(*) FROM CreditPeriods c WHERE c.PurchaseId = u.Id), 0)) AS INTEGER), 0) AS ValueCents
            FROM owed o JOIN Purchases u ON u.Id = o.PurchaseId
            WHERE u.Status = @active)
        SELECT LocationId, CatalogItemId, Item, COUNT(*) AS Purchases, SUM(Remaining) AS Remaining, SUM(ValueCents) AS ValueCents
        FROM valued GROUP BY LocationId, CatalogItemId, Item
        """;

    private static readonly string AllFiguresSql = FiguresSql(AllPurchases);
    private static readonly string ChangedFiguresSql = FiguresSql(ChangedPurchases);

    /// <summary>
    /// Credits still unused on active limited periods (ending on or after <paramref name="day"/>) as they stood at the end of
    /// that day, per location and catalog item, valued at each purchase's price per credit granted at sale.
    /// </summary>
    public async Task<IReadOnlyList<LiabilityRow>> LiabilityAsync(ClaimsPrincipal user, DateOnly day, CancellationToken ct = default)
    {
        EnsureManager(user);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var snapshotDay = day < today ? day : today.AddDays(-1);
        List<LiabilityFigure> figures;
        LiabilitySnapshot? taken;
        Dictionary<int, string> locations;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        await using (await BeginReadAsync(db, ct)) // one read: the snapshot, its check and the changes since see the same ledger
        {
            (figures, taken) = await SnapshotFiguresAsync(db, snapshotDay, ct);
            if (day > snapshotDay)
            {
                var since = ChangedParameters(snapshotDay, day);
                figures = Sum(figures, await FiguresAsync(db, ChangedFiguresSql, day, since, ct), 1);
                figures = Sum(figures, await FiguresAsync(db, ChangedFiguresSql, snapshotDay, since, ct), -1);
            }
            locations = await db.Locations.AsNoTracking().ToDictionaryAsync(l => l.Id, l => l.Name, ct);
        }
        if (taken is not null) await KeepSnapshotAsync(taken, ct);
        return [.. figures.Where(f => f.Purchases != 0)
            .Select(f => new LiabilityRow(locations[f.LocationId], f.CatalogItemId, f.Item, f.Purchases, f.Remaining, f.ValueCents))
            .OrderBy(r => r.Location, StringComparer.Ordinal).ThenBy(r => r.Item, StringComparer.Ordinal)];
    }

    /// <summary>Works out and keeps the figures of a past day if they are not kept yet (or went stale); the nightly job's call.</summary>
    public async Task EnsureSnapshotAsync(DateOnly day, CancellationToken ct = default)
    {
        LiabilitySnapshot? taken;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        await using (await BeginReadAsync(db, ct))
            (_, taken) = await SnapshotFiguresAsync(db, day, ct);
        if (taken is not null) await KeepSnapshotAsync(taken, ct);
    }

    /// <summary>The kept figures of <paramref name="day"/>, or, when missing or stale, the figures worked out now and the snapshot to keep.</summary>
    private static async Task<(List<LiabilityFigure> Figures, LiabilitySnapshot? ToKeep)> SnapshotFiguresAsync(CoreDbContext db, DateOnly day, CancellationToken ct)
    {
        var kept = await db.LiabilitySnapshots.AsNoTracking().SingleOrDefaultAsync(s => s.Day == day, ct);
        // Ledger rows carry the time they were written, so none should ever be dated into a day already kept; if one is
        // (a clock set back, a write that committed just after midnight), the kept figures are worked out again.
        // NOT INDEXED: walk the rows after the snapshot by id, not every row before the day by time.
        if (kept is not null && !await db.Database.SqlQuery<bool>(
                $"SELECT EXISTS (SELECT 1 FROM Ledger NOT INDEXED WHERE Id > {kept.LastLedgerId} AND AtUtc < {Stamp(EndOf(day))}) AS Value").SingleAsync(ct))
            return (JsonSerializer.Deserialize<List<LiabilityFigure>>(kept.Figures)!, null);

        var lastId = await db.Ledger.MaxAsync(l => (long?)l.Id, ct) ?? 0;
        var figures = await FiguresAsync(db, AllFiguresSql, day, [], ct);
        return (figures, new LiabilitySnapshot { Day = day, LastLedgerId = lastId, Figures = JsonSerializer.Serialize(figures) });
    }

    private async Task KeepSnapshotAsync(LiabilitySnapshot snapshot, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        snapshot.TakenAtUtc = clock.GetUtcNow().UtcDateTime;
        // One statement, one transaction; two screens keeping the same day at once both hold true figures, the later one stays.
        await db.Database.ExecuteSqlAsync($"""
            INSERT OR REPLACE INTO LiabilitySnapshots (Day, LastLedgerId, Figures, TakenAtUtc)
            VALUES ({Day(snapshot.Day)}, {snapshot.LastLedgerId}, {snapshot.Figures}, {Stamp(snapshot.TakenAtUtc)})
            """, ct);
    }

    private static Task<List<LiabilityFigure>> FiguresAsync(CoreDbContext db, string sql, DateOnly day, SqliteParameter[] scope, CancellationToken ct) =>
        db.Database.SqlQueryRaw<LiabilityFigure>(sql, [.. AsOf(day), .. scope]).ToListAsync(ct);

    private static SqliteParameter[] ChangedParameters(DateOnly fromDay, DateOnly toDay) =>
        [new("@since", Stamp(EndOf(fromDay))), new("@fromDay", Day(fromDay)), new("@toDay", Day(toDay))];

    private static List<LiabilityFigure> Sum(List<LiabilityFigure> figures, List<LiabilityFigure> change, int sign) =>
        [.. figures.Concat(change.Select(c => c with { Purchases = sign * c.Purchases, Remaining = sign * c.Remaining, ValueCents = sign * c.ValueCents }))
            .GroupBy(f => (f.LocationId, f.CatalogItemId, f.Item))
            .Select(g => new LiabilityFigure(g.Key.LocationId, g.Key.CatalogItemId, g.Key.Item, g.Sum(f => f.Purchases), g.Sum(f => f.Remaining), g.Sum(f => f.ValueCents)))];

    // A deferred BEGIN: a plain read transaction (the app's default BEGIN IMMEDIATE would take the write lock), so every
    // query inside reads the same committed state of the file. Ends (rolled back) with the context; nothing is written in it.
    private static async Task<SqliteTransaction> BeginReadAsync(CoreDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(transaction, ct);
        return transaction;
    }
}
