using CorePortal.Data;
using CorePortal.Features.Clients;
using CorePortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Foundation;

/// <summary>
/// Every write goes through one door: writers in one process queue before SQLite's write lock instead of sleeping in its
/// busy handler, one queue per database; and in tests a write around the door is refused.
/// </summary>
public sealed class WriteGateTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly TestDatabase _database = new(DatabaseEngine.Sqlite); // the queue is SQLite's; PostgreSQL's door is tested in its concurrency tests
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_second_writer_waits_until_the_first_commits_then_goes_on()
    {
        await using var first = _database.CreateDbContext();
        await using var second = _database.CreateDbContext();
        await using var write = await first.BeginWriteAsync(Ct);

        var waiting = second.BeginWriteAsync(Ct);
        Assert.False(waiting.IsCompleted);

        await write.CommitAsync(Ct);
        await using var next = await GetsInAsync(waiting);
        await next.CommitAsync(Ct);
    }

    [Fact]
    public async Task A_writer_that_gives_up_without_committing_lets_the_next_one_in()
    {
        await using var first = _database.CreateDbContext();
        await using var second = _database.CreateDbContext();
        var write = await first.BeginWriteAsync(Ct);
        var waiting = second.BeginWriteAsync(Ct);
        Assert.False(waiting.IsCompleted);

        await write.DisposeAsync(); // rolled back, e.g. a refused booking
        await using var next = await GetsInAsync(waiting);
        await next.CommitAsync(Ct);
    }

    [Fact]
    public async Task A_writer_on_another_database_does_not_wait_behind_this_one()
    {
        using var other = new TestDatabase(DatabaseEngine.Sqlite);
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        SqliteSetup.Configure(options, other.ConnectionString);
        await using var first = _database.CreateDbContext();
        await using var elsewhere = new CoreDbContext(options.Options, _database.WriteGate); // the same door, another file
        await using var write = await first.BeginWriteAsync(Ct);

        await using var meanwhile = await GetsInAsync(elsewhere.BeginWriteAsync(Ct));
        await meanwhile.CommitAsync(Ct);
    }

    [Fact]
    public async Task A_save_around_the_door_is_refused_and_writes_nothing()
    {
        await using var db = _database.CreateDbContext();
        db.Locations.Add(new Location { Name = "Side Door Studio" });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));

        Assert.Contains("around the write door", refused.Message, StringComparison.Ordinal);
        await using var check = _database.CreateDbContext();
        Assert.False(await check.Locations.AnyAsync(Ct));
    }

    [Fact]
    public async Task An_update_statement_around_the_door_is_refused_and_changes_nothing()
    {
        await new StudioBuilder(_database, FixedClock.At(2026, 11, 23)).WithLocationAsync("Downtown Studio");
        await using var db = _database.CreateDbContext();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            db.Locations.ExecuteUpdateAsync(s => s.SetProperty(l => l.Name, "Renamed"), Ct));

        Assert.Contains("ran on a context that holds no write transaction", refused.Message, StringComparison.Ordinal);
        Assert.Equal("Downtown Studio", await db.Locations.Select(l => l.Name).SingleAsync(Ct));
    }

    [Fact]
    public async Task A_write_after_the_door_transaction_committed_is_refused()
    {
        await using var db = _database.CreateDbContext();
        await using (var tx = await db.BeginWriteAsync(Ct))
        {
            db.Locations.Add(new Location { Name = "Downtown Studio" });
            await db.SaveChangesAsync(Ct);
            await tx.CommitAsync(Ct);
        }

        db.Locations.Add(new Location { Name = "Uptown Studio" });
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
        await using var check = _database.CreateDbContext();
        Assert.Equal(["Downtown Studio"], await check.Locations.Select(l => l.Name).ToListAsync(Ct));
    }

    [Fact]
    public async Task Opening_the_door_twice_on_one_context_is_refused_instead_of_waiting_forever()
    {
        await using var db = _database.CreateDbContext();
        await using var tx = await db.BeginWriteAsync(Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.BeginWriteAsync(Ct));
    }

    [Fact]
    public async Task The_app_under_test_refuses_a_save_around_the_door_and_takes_the_same_save_through_it()
    {
        await using var app = new PortalFactory { GeneratedClients = 0 };
        var factory = app.Services.GetRequiredService<IDbContextFactory<CoreDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Ct);
        db.Locations.Add(new Location { Name = "Side Door Studio" });

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));

        await using var tx = await db.BeginWriteAsync(Ct);
        await db.SaveChangesAsync(Ct);
        await tx.CommitAsync(Ct);
        await using var check = await factory.CreateDbContextAsync(Ct);
        Assert.True(await check.Locations.AnyAsync(l => l.Name == "Side Door Studio", Ct));
    }

    // A writer that should get in does so at once; one that never does fails here, with a reason, instead of hanging the run.
    private static async Task<WriteTransaction> GetsInAsync(Task<WriteTransaction> waiting)
    {
        var first = await Task.WhenAny(waiting, Task.Delay(Patience, Ct));
        Assert.True(first == waiting, $"The waiting writer did not get through the write door within {Patience.TotalSeconds:0} s.");
        return await waiting;
    }

    [Fact]
    public async Task A_pooled_connection_first_opened_by_search_still_gets_the_durable_settings_when_EF_opens_it()
    {
        var studio = await new StudioBuilder(_database, FixedClock.At(2026, 11, 23)).WithLocationAsync();
        await studio.ClientAsync("Maya", "Chen");
        SqliteConnection.ClearAllPools();
        Assert.Single((await new ClientSearchService(_database).SearchAsync(Infrastructure.TestUsers.Staff, "maya", ct: Ct)).Value!.Rows); // opens the pool's connection without EF

        await using var db = _database.CreateDbContext();
        await db.Database.OpenConnectionAsync(Ct);
        var settings = new List<string>();
        foreach (var pragma in new[] { "busy_timeout", "foreign_keys", "synchronous" })
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"PRAGMA {pragma}";
            settings.Add(Convert.ToString(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        Assert.Equal(["10000", "1", "2"], settings);
    }

    public void Dispose() => _database.Dispose();
}
