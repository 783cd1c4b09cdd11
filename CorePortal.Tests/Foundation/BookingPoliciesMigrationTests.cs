using CorePortal.Data;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CorePortal.Tests.Foundation;

/// <summary>
/// The booking-policies migration on a database that already holds bookings: a live booking keeps holding its credit, a
/// cancelled one (refunded, as every cancellation was) does not; locations get the 2-hour waitlist cutoff; the studio's
/// default policy row exists.
/// </summary>
[Trait("Engine", "Postgres")] // names its engines: runs once, in the first pass
public sealed class BookingPoliciesMigrationTests
{
    [Theory]
    [InlineData(DatabaseEngine.Sqlite)]
    [InlineData(DatabaseEngine.Postgres)]
    public async Task Existing_bookings_hold_their_credit_unless_cancelled_after_the_migration(DatabaseEngine engine)
    {
        if (engine == DatabaseEngine.Postgres) PostgresServer.SkipIfUnavailable();
        var folder = Directory.CreateTempSubdirectory("coreportal-migrate-").FullName;
        var connection = engine == DatabaseEngine.Postgres ? PostgresServer.Shared.CreateEmptyDatabase() : $"Data Source={Path.Combine(folder, "old.db")}";
        var ct = TestContext.Current.CancellationToken;
        try
        {
            var options = new DbContextOptionsBuilder<CoreDbContext>();
            var settings = new DatabaseSettings(engine, connection);
            settings.Configure(options);
            await using var db = settings.CreateContext(options.Options, new WriteGate());
            var migrator = db.GetService<IMigrator>();
            var migrations = db.Database.GetMigrations().ToList();
            var policies = migrations.FindIndex(m => m.EndsWith("_BookingPolicies", StringComparison.Ordinal));
            await migrator.MigrateAsync(migrations[policies - 1], ct);

            // Rows as the previous version wrote them; parents are left out, so foreign keys are off for these statements.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync(engine == DatabaseEngine.Sqlite ? "PRAGMA foreign_keys = OFF" : "SET session_replication_role = replica", ct);
            await db.Database.ExecuteSqlRawAsync("""INSERT INTO "Locations" ("Id", "Name") VALUES (1, 'Downtown')""", ct);
            foreach (var (id, status) in new[] { (1, BookingStatus.Booked), (2, BookingStatus.Attended), (3, BookingStatus.NoShow), (4, BookingStatus.Cancelled) })
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "Bookings" ("Id", "SessionId", "ClientId", "PurchaseId", "PeriodId", "Status", "BookedAtUtc", "ActiveClientId", "RequestKey")
                    VALUES ({id}, 1, {id}, 1, 1, {(int)status}, {new DateTime(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc)}, NULL, NULL)
                    """, ct);
            await db.Database.ExecuteSqlRawAsync(engine == DatabaseEngine.Sqlite ? "PRAGMA foreign_keys = ON" : "SET session_replication_role = DEFAULT", ct);
            await db.Database.CloseConnectionAsync();

            await migrator.MigrateAsync(cancellationToken: ct);

            var holds = await db.Bookings.AsNoTracking().OrderBy(b => b.Id).Select(b => b.UsesCredit).ToListAsync(ct);
            Assert.Equal([true, true, true, false], holds);
            Assert.Equal(2, (await db.Locations.SingleAsync(ct)).WaitlistCutoffHours);
            Assert.Equal("", (await db.Locations.SingleAsync(ct)).TimeZoneId);
            var studio = await db.StudioSettings.SingleAsync(ct);
            Assert.Equal((0, PolicyCost.KeepCredit, 30), (studio.LateCancelHours, studio.NoShowCost, studio.GraceWindowDays));
        }
        finally
        {
            if (engine == DatabaseEngine.Postgres) PostgresServer.Shared.DropDatabase(connection);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
