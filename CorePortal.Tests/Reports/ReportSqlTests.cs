using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Features.Reports;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Reports;

/// <summary>
/// The SQL the reports write per engine (ReportSql), run on each engine by name: the same answers on both. Named engines, so
/// these run once, in the SQLite pass.
/// </summary>
[Trait("Engine", "Postgres")]
public sealed class ReportSqlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseEngine.Sqlite)]
    [InlineData(DatabaseEngine.Postgres)]
    public async Task A_week_starts_on_the_Monday_on_or_before_each_day_and_days_between_count_whole_days(DatabaseEngine engine)
    {
        using var database = new TestDatabase(engine);
        await using var db = database.CreateDbContext();
        var monday = new DateOnly(2026, 12, 28);

        // Saturday 26 Dec 2026 to Wednesday 6 Jan 2027: a Sunday, a Monday and the turn of the year.
        for (var day = new DateOnly(2026, 12, 26); day <= new DateOnly(2027, 1, 6); day = day.AddDays(1))
        {
            var week = await db.Database.SqlQuery<DateOnly>(ReportSql.Bind($"SELECT {ReportSql.WeekOf(db.Engine, "@day")} AS \"Value\"", ("day", day))).SingleAsync(Ct);
            Assert.Equal(day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), week);
            var days = await db.Database.SqlQuery<int>(ReportSql.Bind($"SELECT {ReportSql.DaysBetween(db.Engine, "@from", "@to")} AS \"Value\"",
                ("from", monday), ("to", day))).SingleAsync(Ct);
            Assert.Equal(day.DayNumber - monday.DayNumber, days);
        }
    }

    [Fact]
    public async Task Usage_sums_a_days_totals_over_every_slot_on_PostgreSQL()
    {
        using var database = new TestDatabase(DatabaseEngine.Postgres);
        var clock = FixedClock.At(2026, 11, 16);
        using (var studio = new StudioBuilder(database, clock))
        {
            // Monday 16 Nov: a 10-credit pack sold and 2 added; Wednesday 18 Nov: 1 deducted. That week: granted 10, adjusted +1.
            await studio.WithLocationAsync();
            var pack = await studio.SellAsync(await studio.PackageAsync("10-Class Pack", 10), await studio.ClientAsync("Maya", "Chen"));
            await studio.AdjustAsync(pack, 0, CreditAction.AddCredits, 2, "Goodwill", TestUsers.Staff);
            clock.Now = clock.Now.AddDays(2);
            await studio.AdjustAsync(await studio.PurchaseAsync(pack.Id), 0, CreditAction.DeductCredits, 1, "Sold by mistake", TestUsers.Manager);
        }

        // Spread every day and kind over two slots, as writers on two connections would (the trigger picks a slot per connection).
        await database.WriteAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("""UPDATE "LedgerDailyTotals" SET "Slot" = "Slot" + 100""", Ct);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "LedgerDailyTotals" ("Day", "Kind", "Slot", "Amount", "Rows")
                SELECT "Day", "Kind", 3, (SUM("Amount") / 2)::int, (SUM("Rows") / 2)::int FROM "LedgerDailyTotals" GROUP BY "Day", "Kind"
                UNION ALL
                SELECT "Day", "Kind", 11, (SUM("Amount") - SUM("Amount") / 2)::int, (SUM("Rows") - SUM("Rows") / 2)::int FROM "LedgerDailyTotals" GROUP BY "Day", "Kind"
                """, Ct);
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM "LedgerDailyTotals" WHERE "Slot" >= 100""", Ct);
        });
        await using (var db = database.CreateDbContext())
            Assert.Equal(2 * await db.LedgerDailyTotals.Select(t => new { t.Day, t.Kind }).Distinct().CountAsync(Ct), await db.LedgerDailyTotals.CountAsync(Ct));

        var weeks = (await new ReportsService(database, clock).UsageAsync(TestUsers.Manager, new ReportRange(new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 29)), Ct)).Value!;
        Assert.Equal([new UsageWeek(new DateOnly(2026, 11, 16), 10, 0, 0, 1, 0)],
            weeks);
    }
}
