using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Reports;

/// <summary>The kinds of movement the usage report counts, and that a manager can drill into.</summary>
public enum UsageMeasure { Granted, Used, Refunded, Adjusted, Expired, Forfeited }

public sealed partial class ReportsService
{
    // Weeks start on the Monday on or before a day (ReportSql.WeekOf). Ledger movements come from the per-day totals
    // (LedgerDailyTotals: days × kinds rows, whatever the ledger's size; on PostgreSQL also × slots, all summed into the week
    // here), expired credits from the limited periods ending in the range, summed per day in the order of the (EndsOn, …,
    // MaxCredits, UsedCredits) index and only then per week: a week computed for every period would be sorted first (about 5
    // times slower). Expired rows (a period's unused credits written off at its end) add to that: the period's Max then equals
    // its Used, so the same credits are not also counted as left unused. Sums are cast back to int: PostgreSQL widens SUM to
    // bigint and numeric. A waived penalty returns its credit, so it counts as refunded (a Penalty row moves nothing: amount 0).
    private static string UsageWeeksSql(DatabaseEngine engine) => $"""
        WITH moves AS (
            SELECT {ReportSql.WeekOf(engine, "\"Day\"")} AS "Week",
                   SUM(CASE WHEN "Kind" IN ({Grant}, {Renewed}) THEN "Amount" ELSE 0 END) AS "Granted",
                   SUM(CASE WHEN "Kind" = {Use} THEN "Amount" ELSE 0 END) AS "Used",
                   -SUM(CASE WHEN "Kind" IN ({Refund}, {Waived}) THEN "Amount" ELSE 0 END) AS "Refunded",
                   SUM(CASE WHEN "Kind" IN ({Add}, {Deduct}) THEN "Amount" ELSE 0 END) AS "Adjusted",
                   -SUM(CASE WHEN "Kind" = {Expired} THEN "Amount" ELSE 0 END) AS "Expired",
                   -SUM(CASE WHEN "Kind" IN ({Forfeited}, {Frozen}) THEN "Amount" ELSE 0 END) AS "Forfeited"
            FROM "LedgerDailyTotals" WHERE "Day" >= @fromDay AND "Day" <= @toDay GROUP BY 1
            UNION ALL
            SELECT {ReportSql.WeekOf(engine, "e.\"EndsOn\"")}, 0, 0, 0, 0, SUM(e."Expired"), 0
            FROM (SELECT "EndsOn", SUM(CASE WHEN "MaxCredits" > "UsedCredits" THEN "MaxCredits" - "UsedCredits" ELSE 0 END) AS "Expired"
                  FROM "CreditPeriods"
                  WHERE "MaxCredits" IS NOT NULL AND "EndsOn" >= @fromDay AND "EndsOn" <= @toDay GROUP BY "EndsOn") e
            GROUP BY 1)
        SELECT "Week", CAST(SUM("Granted") AS INTEGER) AS "Granted", CAST(SUM("Used") AS INTEGER) AS "Used",
               CAST(SUM("Refunded") AS INTEGER) AS "Refunded", CAST(SUM("Adjusted") AS INTEGER) AS "Adjusted",
               CAST(SUM("Expired") AS INTEGER) AS "Expired", CAST(SUM("Forfeited") AS INTEGER) AS "Forfeited"
        FROM moves GROUP BY "Week"
        HAVING SUM("Granted") <> 0 OR SUM("Used") <> 0 OR SUM("Refunded") <> 0 OR SUM("Adjusted") <> 0 OR SUM("Expired") <> 0 OR SUM("Forfeited") <> 0
        ORDER BY "Week"
        """;

    /// <summary>
    /// Credits granted (and renewed), used, refunded, adjusted (added minus deducted), expired and forfeited per week (Monday to
    /// Sunday) over the range; weeks where nothing moved are left out. Expired counts the Expired rows and the credits still unused
    /// on limited periods whose end date falls in the week; Forfeited the Forfeited rows and the credits a prorated freeze took.
    /// </summary>
    public async Task<ServiceResult<IReadOnlyList<UsageWeek>>> UsageAsync(ClaimsPrincipal user, ReportRange range, CancellationToken ct = default)
    {
        if (!Access.CanReadReports(user)) return Refused<IReadOnlyList<UsageWeek>>();
        if (OutOfWindow(range) is { } refused) return ServiceResult.Failure<IReadOnlyList<UsageWeek>>(refused);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success<IReadOnlyList<UsageWeek>>(await db.Database.SqlQuery<UsageWeek>(ReportSql.Bind(UsageWeeksSql(db.Engine), RangeParameters(range))).ToListAsync(ct));
    }

    /// <summary>
    /// The ledger rows behind one bar of the usage chart (for Expired: its Expired rows and the Grant rows of the periods that
    /// ended with credits unused), at most 500.
    /// </summary>
    public async Task<ServiceResult<IReadOnlyList<ReportLedgerRow>>> UsageRowsAsync(ClaimsPrincipal user, DateOnly week, UsageMeasure measure, CancellationToken ct = default)
    {
        if (!Access.CanReadReports(user)) return Refused<IReadOnlyList<ReportLedgerRow>>();
        if (Window.DayRefusal(week, nameof(week)) is { } refused) return ServiceResult.Failure<IReadOnlyList<ReportLedgerRow>>(refused);
        if (!Enum.IsDefined(measure)) return ServiceResult.Failure<IReadOnlyList<ReportLedgerRow>>(ServiceResult.Invalid(nameof(measure), "Choose a figure of the chart."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var from = week.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = from.AddDays(7);
        var rows = db.Ledger.AsNoTracking();
        rows = measure switch
        {
            UsageMeasure.Granted => rows.Where(l => (l.Kind == LedgerKind.Grant || l.Kind == LedgerKind.Renewed) && l.AtUtc >= from && l.AtUtc < end),
            UsageMeasure.Forfeited => rows.Where(l => (l.Kind == LedgerKind.Forfeited || (l.Kind == LedgerKind.Frozen && l.Amount < 0)) && l.AtUtc >= from && l.AtUtc < end),
            UsageMeasure.Used => rows.Where(l => l.Kind == LedgerKind.BookingUse && l.AtUtc >= from && l.AtUtc < end),
            UsageMeasure.Refunded => rows.Where(l => (l.Kind == LedgerKind.CancellationRefund || l.Kind == LedgerKind.Waived) && l.AtUtc >= from && l.AtUtc < end),
            UsageMeasure.Adjusted => rows.Where(l => (l.Kind == LedgerKind.Add || l.Kind == LedgerKind.Deduct) && l.AtUtc >= from && l.AtUtc < end),
            _ => rows.Where(l => (l.Kind == LedgerKind.Expired && l.AtUtc >= from && l.AtUtc < end)
                || (LedgerKinds.Opens.Contains(l.Kind) && db.CreditPeriods.Any(p => p.Id == l.PeriodId && p.MaxCredits != null
                    && p.MaxCredits > p.UsedCredits && p.EndsOn >= week && p.EndsOn < week.AddDays(7)))),
        };
        return ServiceResult.Success<IReadOnlyList<ReportLedgerRow>>(await ToReportRowsAsync(db, rows.OrderBy(l => l.Id).Take(500), ct));
    }

    /// <summary>Every Add and Deduct over the range, grouped by the staff member who made it.</summary>
    public async Task<ServiceResult<IReadOnlyList<AdjusterTotal>>> AdjustersAsync(ClaimsPrincipal user, ReportRange range, CancellationToken ct = default)
    {
        if (!Access.CanReadReports(user)) return Refused<IReadOnlyList<AdjusterTotal>>();
        if (OutOfWindow(range) is { } refused) return ServiceResult.Failure<IReadOnlyList<AdjusterTotal>>(refused);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success<IReadOnlyList<AdjusterTotal>>(await Adjustments(db, range).GroupBy(l => l.Actor).OrderBy(g => g.Key)
            .Select(g => new AdjusterTotal(g.Key, g.Count(),
                g.Sum(l => l.Kind == LedgerKind.Add ? l.Amount : 0), -g.Sum(l => l.Kind == LedgerKind.Deduct ? l.Amount : 0)))
            .ToListAsync(ct));
    }

    /// <summary>The Add and Deduct rows over the range with their notes, by staff member then time.</summary>
    public async Task<ServiceResult<IReadOnlyList<ReportLedgerRow>>> AdjustmentRowsAsync(ClaimsPrincipal user, ReportRange range, CancellationToken ct = default)
    {
        if (!Access.CanReadReports(user)) return Refused<IReadOnlyList<ReportLedgerRow>>();
        if (OutOfWindow(range) is { } refused) return ServiceResult.Failure<IReadOnlyList<ReportLedgerRow>>(refused);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ServiceResult.Success<IReadOnlyList<ReportLedgerRow>>(await ToReportRowsAsync(db, Adjustments(db, range).OrderBy(l => l.Actor).ThenBy(l => l.Id), ct));
    }

    private static IQueryable<CreditLedgerEntry> Adjustments(CoreDbContext db, ReportRange range)
    {
        var (from, end) = (range.FromUtc, range.EndUtc);
        return db.Ledger.AsNoTracking().Where(l => (l.Kind == LedgerKind.Add || l.Kind == LedgerKind.Deduct) && l.AtUtc >= from && l.AtUtc < end);
    }

    private static async Task<IReadOnlyList<ReportLedgerRow>> ToReportRowsAsync(CoreDbContext db, IQueryable<CreditLedgerEntry> rows, CancellationToken ct)
    {
        var list = await (from l in rows
                          join u in db.Purchases on l.PurchaseId equals u.Id
                          select new { l.Id, l.AtUtc, l.Actor, l.Kind, l.Amount, Owner = u.OwnerClient!.FirstName + " " + u.OwnerClient.LastName, u.Name, l.Note })
            .ToListAsync(ct);
        return [.. list.Select(l => new ReportLedgerRow(l.Id, DateTime.SpecifyKind(l.AtUtc, DateTimeKind.Utc), l.Actor,
            CreditHistoryService.ActionName(l.Kind), l.Amount, l.Owner, l.Name, l.Note))];
    }

    // UTC days, as the AtUtc bounds of ReportRange cut them and as LedgerDailyTotals keeps them.
    private static (string, object)[] RangeParameters(ReportRange range) => [("fromDay", range.From), ("toDay", range.To)];
}
