using CorePortal.Data;
using CorePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Foundation;

/// <summary>Servers that start at once against one empty PostgreSQL database migrate and seed it once between them.</summary>
[Trait("Engine", "Postgres")]
public sealed class PostgresStartupTests
{
    [Fact]
    public async Task Two_servers_starting_at_once_on_an_empty_database_make_one_schema_and_one_demo_seed()
    {
        PostgresServer.SkipIfUnavailable();
        var shared = PostgresServer.Shared.CreateEmptyDatabase();
        var alone = PostgresServer.Shared.CreateEmptyDatabase();
        try
        {
            await using var a = new PortalFactory { Engine = DatabaseEngine.Postgres, DatabaseConnection = shared };
            await using var b = new PortalFactory { Engine = DatabaseEngine.Postgres, DatabaseConnection = shared };
            await using var single = new PortalFactory { Engine = DatabaseEngine.Postgres, DatabaseConnection = alone };
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var starts = new[] { a, b }.Select(app => Task.Run(async () => { await go.Task; _ = app.Services; })).ToArray(); // Services starts the host
            go.SetResult();
            await Task.WhenAll(starts);

            var together = await CountsAsync(a);
            Assert.Equal(together, await CountsAsync(b));
            Assert.Equal(await CountsAsync(single), together); // what one server alone seeds: nothing twice
            Assert.True(together.Locations > 0 && together.Clients > 0, "The demo seed ran.");
        }
        finally
        {
            PostgresServer.Shared.DropDatabase(shared);
            PostgresServer.Shared.DropDatabase(alone);
        }
    }

    [Fact]
    public async Task A_server_waits_for_another_servers_start_up_longer_than_the_command_timeout()
    {
        PostgresServer.SkipIfUnavailable();
        using var database = new TestDatabase(DatabaseEngine.Postgres);
        const string lockName = "coreportal:start-up-test";
        await using var other = database.CreateDbContext(); // another server, migrating and seeding
        await other.Database.OpenConnectionAsync();
        await other.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock(hashtextextended({lockName}, 0))");
        await using var starting = database.CreateDbContext();
        starting.Database.SetCommandTimeout(1);
        var ran = false;

        var run = WriteGate.RunAloneAsync(starting, "start-up-test", () => { ran = true; return Task.CompletedTask; });
        // Until this server has waited on the lock for twice its command timeout (or gave up: the bug).
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!run.IsCompleted && !await WaitedLongerThanAsync(other, TimeSpan.FromSeconds(2))) await timer.WaitForNextTickAsync();
        Assert.False(run.IsCompleted, $"The starting server gave up waiting: {run.Exception?.InnerException?.Message}");

        await other.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock(hashtextextended({lockName}, 0))");
        await run;
        Assert.True(ran, "The start-up work ran once the other server was done.");
    }

    private static Task<bool> WaitedLongerThanAsync(CoreDbContext db, TimeSpan wait) => db.Database.SqlQuery<bool>(
        $"""
        SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND wait_event_type = 'Lock' AND now() - query_start > {wait}) AS "Value"
        """).SingleAsync();

    private static async Task<(int Locations, int Clients, int Purchases, int Users, int Migrations)> CountsAsync(PortalFactory app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        Assert.Equal(DatabaseEngine.Postgres, db.Engine);
        return (await db.Locations.CountAsync(), await db.Clients.CountAsync(), await db.Purchases.CountAsync(), await db.Users.CountAsync(),
            (await db.Database.GetAppliedMigrationsAsync()).Count());
    }
}
