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

    private static async Task<(int Locations, int Clients, int Purchases, int Users, int Migrations)> CountsAsync(PortalFactory app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContextAsync();
        Assert.Equal(DatabaseEngine.Postgres, db.Engine);
        return (await db.Locations.CountAsync(), await db.Clients.CountAsync(), await db.Purchases.CountAsync(), await db.Users.CountAsync(),
            (await db.Database.GetAppliedMigrationsAsync()).Count());
    }
}
