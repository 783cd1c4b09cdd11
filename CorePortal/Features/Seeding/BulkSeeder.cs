using System.Data.Common;
using System.Globalization;
using Bogus;
using CorePortal.Data;
using CorePortal.Features.Clients;
using CorePortal.Features.Credits;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CorePortal.Features.Seeding;

/// <summary>
/// Adds generated clients with purchases, periods, grants and visits, fast: prepared statements (SQLite) or binary COPY
/// (PostgreSQL) in one transaction, the same rows the services write. The same seed gives the same data on either engine.
/// </summary>
public sealed class BulkSeeder(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    private const string Actor = "Demo seed";

    public async Task AddClientsAsync(int count, int seed, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var locations = await db.Locations.Select(l => l.Id).OrderBy(id => id).ToListAsync(ct);
        var catalog = await db.CatalogItems.AsNoTracking().Where(c => c.IsActive).OrderBy(c => c.Id).ToListAsync(ct);
        if (locations.Count == 0 || catalog.Count == 0) throw new InvalidOperationException("Seed the fixtures first: bulk clients need locations and catalog items.");

        var engine = db.Engine;
        await db.Database.OpenConnectionAsync(ct);
        var conn = db.Database.GetDbConnection();
        // A big page cache, and indexes rebuilt once at the end instead of updated row by row: together
        // they make 100,000 clients (about 2 million rows) a matter of seconds, not minutes. (PostgreSQL's COPY keeps its
        // indexes up to date fast enough.)
        if (engine == DatabaseEngine.Sqlite) await Exec(conn, null, "PRAGMA cache_size = -262144", ct);
        // Through the write door like every writer; the statements below run on its transaction's connection.
        await using var write = await db.BeginWriteAsync(ct);
        var tx = db.Database.CurrentTransaction!.GetDbTransaction();
        var indexes = engine == DatabaseEngine.Sqlite
            ? await DropIndexesAsync((SqliteConnection)conn, (SqliteTransaction)tx, ["Clients", "Purchases", "CreditPeriods", "Ledger", "Bookings", "Sessions"], ct)
            : [];
        // Likewise the ledger's per-day totals: added up once at the end instead of one upsert per row by the trigger. On
        // PostgreSQL the trigger's function goes with it, as the migration that made them drops them, so both can be made again.
        await Exec(conn, tx, LedgerDayTotalsSql.DropTriggerOn(engine) + (engine == DatabaseEngine.Postgres ? "; DROP FUNCTION ledger_day_totals()" : ""), ct);
        await using var rows = BulkRows.For(conn, tx);
        var ids = new Ids(conn, tx);
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var nowUtc = clock.GetUtcNow().UtcDateTime;
        var rng = new Random(seed);

        // A schedule wide enough for the visits: a few classes per location per day, more for larger studios.
        string[] classNames = ["HIIT 45", "Vinyasa Yoga", "Spin 30", "Strength Lab", "Pilates Core", "Boxing Basics"];
        string[] trainers = ["Taylor Trainer", "Jordan Lee", "Casey Moore", "Robin Park"];
        var perDay = Math.Max(2, count / 2500);
        var sessionsByDay = new Dictionary<DateOnly, List<SessionSlot>>();
        for (var d = -200; d <= 14; d++)
        {
            var day = today.AddDays(d);
            var slots = sessionsByDay[day] = [];
            foreach (var loc in locations)
                for (var k = 0; k < perDay; k++)
                {
                    var slot = new SessionSlot(ids.Next("Sessions"), 40);
                    var start = day.ToDateTime(new TimeOnly(6, 0)).AddMinutes(k * 840 / perDay);
                    rows.Add("Sessions", slot.Id, classNames[rng.Next(classNames.Length)], loc, trainers[rng.Next(trainers.Length)], start, 45, slot.Capacity, 0);
                    slots.Add(slot);
                }
        }

        var faker = new Faker<Client>("en").UseSeed(seed)
            .RuleFor(c => c.FirstName, f => f.Name.FirstName())
            .RuleFor(c => c.LastName, f => f.Name.LastName())
            .RuleFor(c => c.Phone, f => f.Phone.PhoneNumber("(###) ###-####"));

        for (var i = 0; i < count; i++)
        {
            var client = faker.Generate();
            client.Id = ids.Next("Clients");
            client.Email = $"{client.FirstName}.{client.LastName}.{client.Id}@example.net".ToLowerInvariant().Replace("'", "", StringComparison.Ordinal);
            client.Barcode = $"CP{client.Id + 500000}";
            client.HomeLocationId = locations[rng.Next(locations.Count)];
            ClientSearchKeys.Apply(client);
            rows.Add("Clients", client.Id, client.FirstName, client.LastName, client.Email, client.Phone, client.Barcode, client.HomeLocationId,
                client.FirstNameKey, client.LastNameKey, client.EmailKey, client.PhoneDigits, client.PhoneDigitsReversed);

            if (rng.NextDouble() < 0.85)
                AddPurchase(client.Id, catalog[rng.Next(catalog.Count)], today.AddDays(-rng.Next(0, 170)));
            if ((i + 1) % 1000 == 0 || i + 1 == count)
            {
                await rows.FlushAsync(ct);
                progress?.Report((i + 1, count));
            }
        }
        await rows.FlushAsync(ct);

        // Several hundred statements a round trip: tens of thousands of sessions, one at a time, take a while on PostgreSQL.
        foreach (var batch in sessionsByDay.Values.SelectMany(s => s).Where(s => s.Booked > 0).Chunk(500))
            await Exec(conn, tx, string.Join(";\n", batch.Select(slot => $"UPDATE \"Sessions\" SET \"BookedCount\" = {slot.Booked} WHERE \"Id\" = {slot.Id}")), ct);
        foreach (var create in indexes) await Exec(conn, tx, create, ct);
        await Exec(conn, tx, LedgerDayTotalsSql.RebuildOn(engine), ct);
        await Exec(conn, tx, LedgerDayTotalsSql.CreateTriggerOn(engine), ct);
        // The rows above carry their own ids: PostgreSQL's identity sequences must move past them, or the next insert
        // through EF (a new client, a sale) would collide with a seeded id. SQLite takes MAX(rowid) + 1 by itself.
        if (engine == DatabaseEngine.Postgres)
            foreach (var (table, _) in BulkRows.Tables)
                await Exec(conn, tx, $"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'Id'), MAX(\"Id\")) FROM \"{table}\"", ct);
        await write.CommitAsync(ct);

        void AddPurchase(int clientId, CatalogItem item, DateOnly startsOn)
        {
            var purchase = PurchaseTerms.Create(item, clientId, startsOn, startsOn.ToDateTime(new TimeOnly(9, 0)).ToUniversalTime());
            purchase.Id = ids.Next("Purchases");
            rows.Add("Purchases", purchase.Id, clientId, item.Id, item.LocationId, (int)purchase.Kind, purchase.Name, purchase.PriceCents,
                purchase.CreditsPerPeriod, (int)purchase.PeriodUnit, purchase.AllowSharing, purchase.SharingLimit, purchase.SharingTermsNote,
                purchase.SoldAtUtc, purchase.StartsOn, purchase.EndsOn, (int)purchase.Status, (int)purchase.Renewal, purchase.PeriodCount,
                (int)purchase.Rollover, purchase.RolloverCap, purchase.RolloverExpiresAfterPeriods);
            var ledger = new List<object?[]>();
            var bookings = new List<object?[]>();
            foreach (var period in purchase.Periods)
            {
                period.Id = ids.Next("CreditPeriods");
                ledger.Add([ids.Next("Ledger"), purchase.Id, period.Id, (int)LedgerKind.Grant, period.MaxCredits ?? 0, period.MaxCredits, 0,
                    period.StartsOn, period.EndsOn, null, Actor, purchase.SoldAtUtc, "Sold"]);
                var lastDay = Min(period.EndsOn, today.AddDays(14));
                var wanted = period.StartsOn > lastDay ? 0 : rng.Next(0, (period.MaxCredits ?? 6) + 1);
                var days = Math.Max(0, lastDay.DayNumber - period.StartsOn.DayNumber + 1);
                foreach (var offset in Enumerable.Range(0, days).OrderBy(_ => rng.Next()).Take(wanted).Order())
                {
                    var day = period.StartsOn.AddDays(offset);
                    var slots = sessionsByDay[day];
                    var slot = slots[rng.Next(slots.Count)];
                    if (slot.Booked >= slot.Capacity) continue;
                    slot.Booked++;
                    period.UsedCredits++;
                    var bookingId = ids.Next("Bookings");
                    var status = day > today ? BookingStatus.Booked : rng.NextDouble() < 0.9 ? BookingStatus.Attended : BookingStatus.NoShow;
                    var bookedAt = day.ToDateTime(new TimeOnly(8, 0)).AddDays(-1).ToUniversalTime();
                    bookings.Add([bookingId, slot.Id, clientId, purchase.Id, period.Id, (int)status, bookedAt, clientId, null, true]);
                    ledger.Add([ids.Next("Ledger"), purchase.Id, period.Id, (int)LedgerKind.BookingUse, 1, period.MaxCredits, period.UsedCredits,
                        null, null, bookingId, Actor, bookedAt < nowUtc ? bookedAt : nowUtc, null]);
                }
                rows.Add("CreditPeriods", period.Id, purchase.Id, period.Sequence, period.StartsOn, period.EndsOn, period.MaxCredits, period.UsedCredits, period.Version);
            }
            // Parents before children: periods (above), then bookings, then the ledger rows that name them.
            foreach (var row in bookings) rows.Add("Bookings", row);
            foreach (var row in ledger) rows.Add("Ledger", row);
        }
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private sealed class SessionSlot(int id, int capacity)
    {
        public int Id { get; } = id;
        public int Capacity { get; } = capacity;
        public int Booked { get; set; }
    }

    /// <summary>Hands out ids after the highest one already in each table.</summary>
    private sealed class Ids(DbConnection conn, DbTransaction tx)
    {
        private readonly Dictionary<string, long> _next = [];

        public int Next(string table) => checked((int)NextLong(table));

        private long NextLong(string table)
        {
            if (!_next.TryGetValue(table, out var next))
            {
                using var cmd = conn.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = $"SELECT COALESCE(MAX(\"Id\"), 0) + 1 FROM \"{table}\"";
                next = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
            _next[table] = next + 1;
            return next;
        }
    }

    /// <summary>Drops the tables' own indexes and returns the statements that create them again.</summary>
    private static async Task<List<string>> DropIndexesAsync(SqliteConnection conn, SqliteTransaction tx, string[] tables, CancellationToken ct)
    {
        var indexes = new List<(string Name, string Sql)>();
        await using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = $"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({string.Join(", ", tables.Select(t => $"'{t}'"))})";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) indexes.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (name, _) in indexes) await Exec(conn, tx, $"DROP INDEX \"{name}\"", ct);
        return indexes.Select(i => i.Sql).ToList();
    }

    private static async Task Exec(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
