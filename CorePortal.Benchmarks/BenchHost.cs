using CorePortal.Data;
using CorePortal.Features;
using CorePortal.Features.Auth;
using CorePortal.Features.Live;
using CorePortal.Features.Seeding;
using Microsoft.AspNetCore.Builder;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Benchmarks;

/// <summary>
/// The app's own services over one SQLite file or one PostgreSQL database, registered the way Program.cs does (no Kestrel:
/// the scenarios here call the services directly). The database is migrated and seeded by the app's DemoSeeder.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchHost(WebApplication app, DatabaseEngine engine, string connectionString)
    {
        _app = app;
        Engine = engine;
        ConnectionString = connectionString;
    }

    public DatabaseEngine Engine { get; }
    public string ConnectionString { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>The engine's name for the rows of the results table.</summary>
    public string EngineLabel => Engine == DatabaseEngine.Postgres ? "PostgreSQL" : "SQLite";

    public static Task<BenchHost> StartAsync(string databasePath, int clients) => StartAsync(DatabaseEngine.Sqlite, $"Data Source={databasePath}", clients);

    public static async Task<BenchHost> StartAsync(DatabaseEngine engine, string connectionString, int clients)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = engine.ToString(),
            ["ConnectionStrings:Core"] = connectionString,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddPortalData(builder.Configuration, builder.Environment);
        builder.Services.AddPortalAuth(builder.Configuration);
        builder.Services.AddPortalFeatures();
        builder.Services.AddPortalLive(builder.Configuration);
        var app = builder.Build();
        await app.Services.MigrateDatabaseAsync();
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync(new SeedOptions { Demo = true, Clients = clients });
        if (engine == DatabaseEngine.Postgres)
            await using (var db = app.Services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContext())
                await db.Database.ExecuteSqlRawAsync("ANALYZE"); // fresh statistics after the bulk load, as autovacuum would gather soon
        return new BenchHost(app, engine, connectionString);
    }

    public CoreDbContext CreateDbContext() => Services.GetRequiredService<IDbContextFactory<CoreDbContext>>().CreateDbContext();

    /// <summary>A raw connection of the engine's own driver; on SQLite with the app's pragmas (WAL, synchronous=FULL, busy_timeout).</summary>
    public DbConnection OpenRaw()
    {
        if (Engine == DatabaseEngine.Postgres)
        {
            var npgsql = new NpgsqlConnection(ConnectionString);
            npgsql.Open();
            return npgsql;
        }
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        SqlitePragmaInterceptor.Apply(connection);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        if (Engine == DatabaseEngine.Postgres) NpgsqlConnection.ClearAllPools();
        else SqliteConnection.ClearAllPools();
    }
}
