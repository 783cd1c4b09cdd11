using CorePortal.Data;
using CorePortal.Features.Credits;
using CorePortal.Features.Seeding;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Foundation;

public sealed class DatabaseTests
{
    [Fact]
    public async Task Migrations_create_every_table_on_an_empty_file_with_durable_settings()
    {
        using var database = new TestDatabase(DatabaseEngine.Sqlite);
        await using var db = database.CreateDbContext();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.Clients.CountAsync());
        var conn = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        Assert.Equal("wal", await ScalarAsync(conn, "PRAGMA journal_mode"));
        Assert.Equal("2", await ScalarAsync(conn, "PRAGMA synchronous")); // FULL
        Assert.Equal("10000", await ScalarAsync(conn, "PRAGMA busy_timeout"));
    }

    [Fact]
    public async Task The_database_refuses_a_period_used_beyond_its_max()
    {
        using var database = new TestDatabase();
        using var builder = new StudioBuilder(database, FixedClock.At(2026, 11, 23));
        var studio = await builder.WithLocationAsync();
        var purchase = await studio.SellAsync(await studio.PackageAsync("2-Class Pack", 2), await studio.ClientAsync("A", "B"), new DateOnly(2026, 11, 1));

        var overdraw = () => database.WriteAsync(db => db.CreditPeriods.Where(p => p.Id == purchase.Periods[0].Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.UsedCredits, 3)));

        var refused = await Assert.ThrowsAnyAsync<Exception>(overdraw);
        Assert.True(DbErrors.IsCheck(refused, "CK_CreditPeriods_Used"), refused.Message);
    }

    [Theory]
    [InlineData(DatabaseEngine.Sqlite)]
    [InlineData(DatabaseEngine.Postgres)]
    public async Task Each_engine_has_its_own_migrations_and_they_match_the_model(DatabaseEngine engine)
    {
        using var database = new TestDatabase(engine);
        await using var db = database.CreateDbContext();

        Assert.Equal(engine, db.Engine);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), $"The {engine} model has changes no migration holds: add a migration for it.");
        Assert.Equal(0, await db.Clients.CountAsync());
    }

    private static async Task<string> ScalarAsync(System.Data.Common.DbConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}

public sealed class SeedingTests
{
    private static async Task<(List<string> Clients, List<string> Ledger)> SeedAsync(int seed)
    {
        await using var app = new PortalFactory { GeneratedClients = 150, RandomSeed = seed };
        _ = app.Services; // starts the host: migrate and seed
        var factory = app.Services.GetRequiredService<IDbContextFactory<CoreDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var clients = await db.Clients.OrderBy(c => c.Id).Select(c => c.FirstName + " " + c.LastName + " " + c.Email + " " + c.Barcode).ToListAsync();
        var ledger = await db.Ledger.OrderBy(l => l.Id).Select(l => l.PeriodId + ":" + l.Kind + ":" + l.Amount).ToListAsync();
        Assert.Empty(await LedgerAudit.FindDisagreementsAsync(db));
        Assert.Empty(await LedgerAudit.FindDayTotalDisagreementsAsync(db)); // rows bulk-inserted without the trigger, added up at the end
        Assert.NotEmpty(await db.LedgerDailyTotals.ToListAsync());
        return (clients, ledger);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_studio_and_every_balance_agrees_with_its_ledger()
    {
        var first = await SeedAsync(7);
        var second = await SeedAsync(7);

        Assert.Equal(12 + 150, first.Clients.Count);
        Assert.Equal(first.Clients, second.Clients);
        Assert.Equal(first.Ledger, second.Ledger);
        Assert.Contains(first.Clients, c => c.StartsWith("Maya Chen maya.chen@example.com CP100001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_different_seed_gives_different_generated_clients()
    {
        var a = await SeedAsync(7);
        var b = await SeedAsync(8);

        Assert.NotEqual(a.Clients.Skip(12), b.Clients.Skip(12));
    }

    [Fact]
    public void The_seed_command_reads_clients_and_database_from_the_command_line()
    {
        var command = SeedCommand.TryParse(["seed", "--clients", "100000", "--db", "/tmp/big.db"]);

        Assert.NotNull(command);
        Assert.Equal("100000", command.Configuration["Seed:Clients"]);
        Assert.Equal("Data Source=/tmp/big.db", command.Configuration["ConnectionStrings:Core"]);
        Assert.Null(SeedCommand.TryParse(["--urls", "http://127.0.0.1:5123"]));
    }

    [Fact]
    public void The_seed_command_takes_a_postgres_connection_string()
    {
        var command = SeedCommand.TryParse(["seed", "--pg", "Host=127.0.0.1;Database=chain", "--clients", "500"]);

        Assert.NotNull(command);
        Assert.Equal(("Postgres", "Host=127.0.0.1;Database=chain", "500"),
            (command.Configuration["Database:Provider"], command.Configuration["ConnectionStrings:Core"], command.Configuration["Seed:Clients"]));
    }

    [Fact]
    public async Task After_a_bulk_seed_new_clients_and_sales_get_fresh_ids()
    {
        // The seeder writes its own ids; on PostgreSQL the identity sequences must have moved past them.
        await using var app = new PortalFactory { GeneratedClients = 150 };
        using var studio = new StudioBuilder(app.Services);
        await studio.AtFirstLocationAsync();
        var factory = app.Services.GetRequiredService<IDbContextFactory<CoreDbContext>>();
        int seededClients, seededPurchases, seededPeriods;
        long seededLedger;
        await using (var db = await factory.CreateDbContextAsync())
        {
            seededClients = await db.Clients.MaxAsync(c => c.Id);
            seededPurchases = await db.Purchases.MaxAsync(p => p.Id);
            seededPeriods = await db.CreditPeriods.MaxAsync(p => p.Id);
            seededLedger = await db.Ledger.MaxAsync(l => l.Id);
        }

        var client = await studio.ClientAsync("Nova", "Afterseed");
        var purchase = await studio.SellAsync(await studio.PackageAsync("After the seed", 5), client);

        Assert.True(client.Id > seededClients);
        Assert.True(purchase.Id > seededPurchases);
        Assert.True(purchase.Periods.Single().Id > seededPeriods);
        await using var check = await factory.CreateDbContextAsync();
        Assert.True(await check.Ledger.Where(l => l.PurchaseId == purchase.Id).MinAsync(l => l.Id) > seededLedger);
        Assert.Empty(await LedgerAudit.FindDayTotalDisagreementsAsync(check)); // the trigger is back after the seed
    }
}
