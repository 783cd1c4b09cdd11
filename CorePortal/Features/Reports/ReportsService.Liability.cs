using System.Data;
using System.Security.Claims;
using System.Text.Json;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Reports;

// Remaining credits on a day. Working them out from the ledger reads every live period (about 440,000 at 100,000 clients)
// and, for a past day, replays every ledger row written since; both take longer than the page may. So a day's figures are
// kept in LiabilitySnapshots, counted up to a ledger row (LastLedgerId), and brought forward from there: only purchases with
// a ledger row after it can have moved. A past day is worked out once; today starts from yesterday's figures plus the
// purchases that changed or had a period end since, and is kept and brought forward as the day goes on.
public sealed partial class ReportsService
{
    /// <summary>One purchase-count, credit and value total for a location and item; the unit kept in snapshots.</summary>
    /// <remarks>Rolled: the part of Remaining in buckets of rolled credits (0 in snapshots kept before rollover existed, rightly).</remarks>
    private sealed record LiabilityFigure(int LocationId, int CatalogItemId, string Item, int Purchases, int Remaining, long ValueCents, int Rolled = 0);

    private const string AllPurchases = "SELECT \"Id\" AS \"PurchaseId\" FROM \"Purchases\"";

    // Purchases whose figures can differ between the end of @fromDay and the end of @toDay (@fromDay < @toDay): those with a
    // ledger row written after @fromDay (any change of credits, dates or a new sale), and those with a period ending in
    // between, which then drops out.
    private const string ChangedSinceDay = """
        SELECT "PurchaseId" FROM "Ledger" WHERE "AtUtc" >= @since
        UNION SELECT "PurchaseId" FROM "CreditPeriods" WHERE "EndsOn" >= @fromDay AND "EndsOn" < @toDay
        """;

    // Purchases with an active freeze covering @day. Not kept in snapshots: a freeze is undone without a ledger row of its own, so
    // this part is worked out when asked, for these purchases only.
    private const string FrozenOnDay = """
        SELECT DISTINCT "PurchaseId" FROM "Freezes"
        WHERE "Status" = @freezeActive AND "StartsOn" <= @day AND ("EndsOn" IS NULL OR "EndsOn" >= @day)
        """;

    // Purchases with a ledger row after row @after dated up to @day: the only ones whose figures moved since a snapshot counted up to it.
    private const string ChangedSinceRow = "SELECT DISTINCT \"PurchaseId\" FROM \"Ledger\" WHERE \"Id\" > @after AND \"AtUtc\" < @cutoff";

    // Balances as they stood at the end of @day, rebuilt backwards: the cached Used/Max (which equal the ledger's sums, see
    // LedgerAudit) minus every ledger row written after that day (AtUtc >= @cutoff) or after row @upTo, for the purchases in scope:
    // Max by every opening and Max-moving kind, Used by the Used-moving kinds (LedgerKinds). Periods opened after it (a grant, a
    // renewal, a bucket of rolled credits) did not exist yet. Rolled buckets are periods like any other, and also summed apart. Each purchase's credits are valued at its price per credit granted at sale (credits per
    // period × periods: exactly its Grant rows), rounded to the cent per purchase so that totals add up exactly. Counts and sums
    // are cast to what LiabilityFigure reads: PostgreSQL widens them to bigint and numeric.
    private static string FiguresSql(DatabaseEngine engine, string scope, string laterRows = "\"AtUtc\" >= @cutoff") => $"""
        WITH scope AS ({scope}),
        later AS (
            SELECT "PeriodId",
                   SUM(CASE WHEN "Kind" IN ({MaxKindsSql}) THEN "Amount" ELSE 0 END) AS "MaxLater",
                   SUM(CASE WHEN "Kind" IN ({UsedKindsSql}) THEN "Amount" ELSE 0 END) AS "UsedLater",
                   MAX(CASE WHEN "Kind" IN ({OpensSql}) THEN 1 ELSE 0 END) AS "GrantedLater"
            FROM "Ledger" WHERE {laterRows} GROUP BY {ReportSql.PerPeriod(engine)}),
        {MovedSql(engine, laterRows)},
        dated AS (
            SELECT p."Id", p."PurchaseId", p."MaxCredits", p."UsedCredits", p."RolledFromPeriodId"
            FROM scope s JOIN "Purchases" u ON u."Id" = s."PurchaseId" JOIN "CreditPeriods" p ON p."PurchaseId" = u."Id"
            WHERE u."EndsOn" >= @day AND p."EndsOn" >= @day AND p."MaxCredits" IS NOT NULL AND p."Id" NOT IN (SELECT "PeriodId" FROM moved)
            UNION ALL
            SELECT p."Id", p."PurchaseId", p."MaxCredits", p."UsedCredits", p."RolledFromPeriodId"
            FROM moved m JOIN "CreditPeriods" p ON p."Id" = m."PeriodId"
            WHERE m."EndsOn" >= @day AND p."MaxCredits" IS NOT NULL AND p."PurchaseId" IN (SELECT "PurchaseId" FROM scope)),
        owed AS (
            SELECT d."PurchaseId", SUM((d."MaxCredits" - COALESCE(l."MaxLater", 0)) - (d."UsedCredits" - COALESCE(l."UsedLater", 0))) AS "Remaining",
                   SUM(CASE WHEN d."RolledFromPeriodId" IS NULL THEN 0
                            ELSE (d."MaxCredits" - COALESCE(l."MaxLater", 0)) - (d."UsedCredits" - COALESCE(l."UsedLater", 0)) END) AS "Rolled"
            FROM dated d LEFT JOIN later l ON l."PeriodId" = d."Id"
            WHERE COALESCE(l."GrantedLater", 0) = 0
            GROUP BY d."PurchaseId"),
        valued AS (
            SELECT u."LocationId", u."CatalogItemId", u."Name" AS "Item", o."Remaining", o."Rolled",
                   COALESCE(CAST(ROUND(o."Remaining" * 1.0 * u."PriceCents" /
                       NULLIF(u."CreditsPerPeriod" * (SELECT COUNT(*) FROM "CreditPeriods" c WHERE c."PurchaseId" = u."Id" AND c."RolledFromPeriodId" IS NULL), 0)) AS BIGINT), 0) AS "ValueCents"
            FROM owed o JOIN "Purchases" u ON u."Id" = o."PurchaseId"
            WHERE u."Status" = @active)
        SELECT "LocationId", "CatalogItemId", "Item", CAST(COUNT(*) AS INTEGER) AS "Purchases", CAST(SUM("Remaining") AS INTEGER) AS "Remaining",
               CAST(SUM("ValueCents") AS BIGINT) AS "ValueCents", CAST(SUM("Rolled") AS INTEGER) AS "Rolled"
        FROM valued GROUP BY "LocationId", "CatalogItemId", "Item"
        """;

    private static string AllFiguresSql(DatabaseEngine engine) => FiguresSql(engine, AllPurchases);
    private static string DayShiftSql(DatabaseEngine engine) => FiguresSql(engine, ChangedSinceDay);
    private static string SinceRowNowSql(DatabaseEngine engine) => FiguresSql(engine, ChangedSinceRow);
    private static string SinceRowThenSql(DatabaseEngine engine) => FiguresSql(engine, ChangedSinceRow, "\"AtUtc\" >= @cutoff OR \"Id\" > @upTo");
    private static string FrozenFiguresSql(DatabaseEngine engine) => FiguresSql(engine, FrozenOnDay);

    /// <summary>
    /// Credits still unused on active limited periods (ending on or after <paramref name="day"/>) as they stood at the end of
    /// that day, per location and catalog item, valued at each purchase's price per credit granted at sale.
    /// </summary>
    public async Task<ServiceResult<IReadOnlyList<LiabilityRow>>> LiabilityAsync(ClaimsPrincipal user, DateOnly day, CancellationToken ct = default)
    {
        if (!Access.CanReadReports(user)) return Refused<IReadOnlyList<LiabilityRow>>();
        if (Window.DayRefusal(day) is { } refused) return ServiceResult.Failure<IReadOnlyList<LiabilityRow>>(refused);
        var (figures, locations) = await FiguresOnAsync(day, ct);
        var frozen = await FrozenFiguresAsync(day, ct);
        return ServiceResult.Success<IReadOnlyList<LiabilityRow>>([.. figures.Where(f => f.Purchases != 0)
            .Select(f => (Figure: f, Frozen: frozen.SingleOrDefault(x => x.LocationId == f.LocationId && x.CatalogItemId == f.CatalogItemId && x.Item == f.Item)))
            .Select(f => new LiabilityRow(locations[f.Figure.LocationId], f.Figure.CatalogItemId, f.Figure.Item, f.Figure.Purchases, f.Figure.Remaining, f.Figure.ValueCents,
                f.Figure.Rolled, f.Frozen?.Purchases ?? 0, f.Frozen?.Remaining ?? 0, f.Frozen?.ValueCents ?? 0))
            .OrderBy(r => r.Location, StringComparer.Ordinal).ThenBy(r => r.Item, StringComparer.Ordinal)]);
    }

    // The purchases frozen on the day, figured as the rest: they are a part of the day's figures, shown apart.
    private async Task<List<LiabilityFigure>> FrozenFiguresAsync(DateOnly day, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Database.SqlQuery<LiabilityFigure>(ReportSql.Bind(FrozenFiguresSql(db.Engine), [.. AsOf(day), ("freezeActive", (int)FreezeStatus.Active)])).ToListAsync(ct);
    }

    /// <summary>Works out and keeps the figures of a day if they are not kept up to date yet; the hourly job's call.</summary>
    public async Task EnsureSnapshotAsync(DateOnly day, CancellationToken ct = default) => await FiguresOnAsync(day, ct);

    private async Task<(List<LiabilityFigure> Figures, Dictionary<int, string> Locations)> FiguresOnAsync(DateOnly day, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var yesterday = today.AddDays(-1);
        var toKeep = new List<LiabilitySnapshot>();
        List<LiabilityFigure> figures;
        Dictionary<int, string> locations;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        await using (await BeginReadAsync(db, ct)) // one read: snapshots and changes since all see the same ledger
        {
            var lastId = await db.Ledger.MaxAsync(l => (long?)l.Id, ct) ?? 0;
            var kept = await db.LiabilitySnapshots.AsNoTracking().Where(s => s.Day == day || s.Day == yesterday).ToListAsync(ct);
            var baseDay = day < today || kept.Any(s => s.Day == day) ? day : yesterday;
            var snapshot = kept.SingleOrDefault(s => s.Day == baseDay);
            if (snapshot is not null && !await LateRowsAsync(db, snapshot, ct))
                figures = Read(snapshot);
            else if (snapshot is not null && baseDay >= yesterday) // rows since are today's: few
                figures = Keep(toKeep, baseDay, lastId, await ForwardAsync(db, snapshot, ct));
            else
                figures = Keep(toKeep, baseDay, lastId, await FiguresAsync(db, AllFiguresSql(db.Engine), baseDay, [], ct));
            if (day > baseDay)
            {
                (string, object)[] since = [("since", EndOf(baseDay)), ("fromDay", baseDay), ("toDay", day)];
                figures = Sum(figures, await FiguresAsync(db, DayShiftSql(db.Engine), day, since, ct), 1);
                figures = Sum(figures, await FiguresAsync(db, DayShiftSql(db.Engine), baseDay, since, ct), -1);
                if (day == today) Keep(toKeep, today, lastId, figures);
            }
            locations = await db.Locations.AsNoTracking().ToDictionaryAsync(l => l.Id, l => l.Name, ct);
        }
        foreach (var snapshot in toKeep) await KeepSnapshotAsync(snapshot, ct);
        return (figures, locations);
    }

    /// <summary>A kept day's figures brought forward to now: plus the purchases moved since, as they are now, minus them as they were.</summary>
    private static async Task<List<LiabilityFigure>> ForwardAsync(CoreDbContext db, LiabilitySnapshot kept, CancellationToken ct)
    {
        (string, object)[] after = [("after", kept.LastLedgerId)];
        var figures = Sum(Read(kept), await FiguresAsync(db, SinceRowNowSql(db.Engine), kept.Day, after, ct), 1);
        return Sum(figures, await FiguresAsync(db, SinceRowThenSql(db.Engine), kept.Day, [.. after, ("upTo", kept.LastLedgerId)], ct), -1);
    }

    // Ledger rows carry the time they were written, so a row dated into a kept day and written after the snapshot is rare:
    // today's, or one that committed just after midnight, or a clock set back. Today's and yesterday's figures are brought
    // forward over them; an older day is worked out again. NOT INDEXED (SQLite): walk the rows after the snapshot by id, not
    // every row before the day by time.
    private static Task<bool> LateRowsAsync(CoreDbContext db, LiabilitySnapshot kept, CancellationToken ct) =>
        db.Database.SqlQuery<bool>(ReportSql.Bind($"""
            SELECT EXISTS (SELECT 1 FROM "Ledger" {ReportSql.NotIndexed(db.Engine)} WHERE "Id" > @after AND "AtUtc" < @cutoff) AS "Value"
            """, ("after", kept.LastLedgerId), ("cutoff", EndOf(kept.Day)))).SingleAsync(ct);

    private static List<LiabilityFigure> Read(LiabilitySnapshot kept) => JsonSerializer.Deserialize<List<LiabilityFigure>>(kept.Figures)!;

    private static List<LiabilityFigure> Keep(List<LiabilitySnapshot> toKeep, DateOnly day, long lastId, List<LiabilityFigure> figures)
    {
        toKeep.Add(new LiabilitySnapshot { Day = day, LastLedgerId = lastId, Figures = JsonSerializer.Serialize(figures) });
        return figures;
    }

    private async Task KeepSnapshotAsync(LiabilitySnapshot snapshot, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var takenAt = clock.GetUtcNow().UtcDateTime; // Kind=Utc, as a timestamptz takes it
        await using var tx = await db.BeginWriteAsync(ct); // in the write queue like every other writer
        // One statement, one transaction. Two screens may keep the same day at once: both hold true figures, the one counted
        // further along the ledger stays.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "LiabilitySnapshots" ("Day", "LastLedgerId", "Figures", "TakenAtUtc")
            VALUES ({snapshot.Day}, {snapshot.LastLedgerId}, {snapshot.Figures}, {takenAt})
            ON CONFLICT ("Day") DO UPDATE SET "LastLedgerId" = excluded."LastLedgerId", "Figures" = excluded."Figures", "TakenAtUtc" = excluded."TakenAtUtc"
            WHERE excluded."LastLedgerId" > "LiabilitySnapshots"."LastLedgerId"
            """, ct);
        await tx.CommitAsync(ct);
    }

    private static Task<List<LiabilityFigure>> FiguresAsync(CoreDbContext db, string sql, DateOnly day, (string, object)[] scope, CancellationToken ct) =>
        db.Database.SqlQuery<LiabilityFigure>(ReportSql.Bind(sql, [.. AsOf(day), .. scope])).ToListAsync(ct);

    private static List<LiabilityFigure> Sum(List<LiabilityFigure> figures, List<LiabilityFigure> change, int sign) =>
        [.. figures.Concat(change.Select(c => c with { Purchases = sign * c.Purchases, Remaining = sign * c.Remaining, ValueCents = sign * c.ValueCents, Rolled = sign * c.Rolled }))
            .GroupBy(f => (f.LocationId, f.CatalogItemId, f.Item))
            .Select(g => new LiabilityFigure(g.Key.LocationId, g.Key.CatalogItemId, g.Key.Item, g.Sum(f => f.Purchases), g.Sum(f => f.Remaining), g.Sum(f => f.ValueCents),
                g.Sum(f => f.Rolled)))];

    // One read that sees one committed state throughout, written nowhere. SQLite: a deferred BEGIN (the app's default BEGIN
    // IMMEDIATE would take the write lock). PostgreSQL: REPEATABLE READ, whose snapshot holds for every statement inside (READ
    // COMMITTED would take a new one per statement, and a booking committed in between would be counted in one query only).
    // Ends (rolled back) with the context.
    private static async Task<IAsyncDisposable> BeginReadAsync(CoreDbContext db, CancellationToken ct)
    {
        if (db.Engine == DatabaseEngine.Postgres)
            return await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await db.Database.OpenConnectionAsync(ct);
        var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(transaction, ct);
        return transaction;
    }
}
